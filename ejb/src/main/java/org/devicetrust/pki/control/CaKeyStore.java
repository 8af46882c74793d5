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
    /** The delegated OCSP signer (EC P-256, issued by the Device CA, short-lived and renewed in place). */
    String OCSP_SIGNER = "ocsp-signer";

    /**
     * The private key and certificate chain under {@code alias}.
     *
     * @throws KeyStoreUnavailableException if the alias is missing or its key cannot be recovered
     */
    CaCredential credential(String alias);

    boolean contains(String alias);

    /**
     * Adds or replaces the key entry {@code alias} and saves the store (for keys the CA renews itself, such as
     * the OCSP signer; the CA keys are never replaced this way).
     *
     * @throws KeyStoreUnavailableException if the store cannot be written
     */
    void store(String alias, CaCredential credential);
}
