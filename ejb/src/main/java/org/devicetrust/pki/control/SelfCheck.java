package org.devicetrust.pki.control;

import java.security.Provider;
import java.security.PublicKey;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * The last step before anything leaves a factory: the signature must verify with the issuer's public key and
 * the issuer name must be the issuer's subject. A failure here means a broken key or provider, never bad input.
 */
final class SelfCheck {

    private SelfCheck() {}

    static void certificate(
            X509CertificateHolder certificate,
            PublicKey issuerKey,
            org.bouncycastle.asn1.x500.X500Name issuerName,
            Provider provider) {
        if (!certificate.getIssuer().equals(issuerName)) {
            throw new IllegalStateException("self-check failed: issuer name of the new certificate is not the CA's");
        }
        if (!verifies(certificate, issuerKey, provider)) {
            throw new IllegalStateException("self-check failed: new certificate does not verify with the CA key");
        }
    }

    static void crl(
            X509CRLHolder crl, PublicKey issuerKey, org.bouncycastle.asn1.x500.X500Name issuerName, Provider provider) {
        if (!crl.getIssuer().equals(issuerName)) {
            throw new IllegalStateException("self-check failed: issuer name of the new CRL is not the CA's");
        }
        try {
            if (!crl.isSignatureValid(verifier(issuerKey, provider))) {
                throw new IllegalStateException("self-check failed: new CRL does not verify with the CA key");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("self-check failed: CRL signature cannot be checked", e);
        }
    }

    private static boolean verifies(X509CertificateHolder certificate, PublicKey key, Provider provider) {
        try {
            return certificate.isSignatureValid(verifier(key, provider));
        } catch (Exception e) {
            return false;
        }
    }

    private static ContentVerifierProvider verifier(PublicKey key, Provider provider) throws Exception {
        return new JcaContentVerifierProviderBuilder()
                .setProvider(Signatures.forKey(key, provider))
                .build(key);
    }
}
