package org.devicetrust.pki.control;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A signing identity: the certificate, its private key and the chain up to the root (this certificate first).
 * {@link #toString()} never shows the key.
 */
public record CaCredential(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {

    public CaCredential {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty() || !chain.get(0).equals(certificate)) {
            throw new IllegalArgumentException("chain must start with the credential's own certificate");
        }
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    @Override
    public String toString() {
        return "CaCredential[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
