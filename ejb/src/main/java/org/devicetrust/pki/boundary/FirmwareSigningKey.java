package org.devicetrust.pki.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.CaKeyStore;
import org.devicetrust.pki.control.KeyStoreUnavailableException;

/**
 * The PKI's firmware signing key (EC P-256, certified by the root for code signing), for the firmware component
 * that signs release manifests with it. The key never leaves the server's memory; the component that uses it
 * authorizes and audits each signature.
 */
@Stateless
@PermitAll
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class FirmwareSigningKey {

    /**
     * The key and its certificate; {@link #toString()} names the certificate only. {@code keyProvider} is the
     * PKCS#11 token's provider when the key lives in a token (only that provider can sign with it, and it offers
     * {@code SHA256withECDSA}, not BouncyCastle's deterministic variant), else null.
     */
    public record Credential(PrivateKey privateKey, X509Certificate certificate, Provider keyProvider) {

        public Credential(PrivateKey privateKey, X509Certificate certificate) {
            this(privateKey, certificate, null);
        }

        /** The provider to sign with: the token's for a key in a token, else {@code fallback}. */
        public Provider signingProvider(Provider fallback) {
            return keyProvider != null ? keyProvider : fallback;
        }

        public PublicKey publicKey() {
            return certificate.getPublicKey();
        }

        @Override
        public String toString() {
            return "FirmwareSigningKey.Credential[" + certificate.getSubjectX500Principal() + "]";
        }
    }

    @EJB
    DeviceCa deviceCa;

    /**
     * @throws PkiException.CaUnavailable ca-unavailable, when the key store holds no usable firmware signing key
     */
    public Credential credential() {
        try {
            CaCredential c = deviceCa.keyStore().credential(CaKeyStore.FIRMWARE_SIGNING);
            return new Credential(c.privateKey(), c.certificate(), c.keyProvider());
        } catch (KeyStoreUnavailableException e) {
            throw deviceCa.unavailable(e); // the same SEVERE line as the Device CA key's
        }
    }
}
