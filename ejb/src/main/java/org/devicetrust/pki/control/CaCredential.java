package org.devicetrust.pki.control;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A signing identity: the certificate, its private key and the chain up to the root (this certificate first).
 * {@link #toString()} never shows the key. {@code keyProvider} is the provider that holds the key (the PKCS#11
 * token's, whose keys only its own provider can use), or null for a key any provider can sign with.
 */
public record CaCredential(
        X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain, Provider keyProvider) {

    public CaCredential(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
        this(certificate, privateKey, chain, null);
    }

    public CaCredential {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty() || !chain.get(0).equals(certificate)) {
            throw new IllegalArgumentException("chain must start with the credential's own certificate");
        }
    }

    /** The provider to sign with: the token's for a key in a token, else {@code fallback}. */
    public Provider signingProvider(Provider fallback) {
        return keyProvider != null ? keyProvider : Signatures.forKey(certificate.getPublicKey(), fallback);
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    @Override
    public String toString() {
        return "CaCredential[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
