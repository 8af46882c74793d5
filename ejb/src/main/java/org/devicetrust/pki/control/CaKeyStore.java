package org.devicetrust.pki.control;

/**
 * Where the CA's private keys live. The PKCS#12 file is the first implementation; a PKCS#11 token (HSM) is the
 * next one, behind this same interface, so nothing above it knows how keys are held.
 */
public interface CaKeyStore {

    /** The Root CA (EC P-384): signs the Device Issuing CA, the TLS server certificate and firmware signing. */
    String ROOT_CA = "root-ca";
    /** The Device Issuing CA (EC P-256): signs device certificates and the device CRL. */
    String DEVICE_CA = "device-ca";
    /** The firmware signing key (EC P-256), for release manifests only. */
    String FIRMWARE_SIGNING = "firmware-signing";

    /**
     * The private key and certificate chain under {@code alias}.
     *
     * @throws KeyStoreUnavailableException if the alias is missing or its key cannot be recovered
     */
    CaCredential credential(String alias);

    boolean contains(String alias);
}
