package org.devicetrust.pki.control;

import java.security.Key;
import java.security.Provider;
import java.security.Security;

/**
 * Which provider computes the ECDSA and RSA signatures of keys held in memory (and verifies signatures with
 * public keys): Conscrypt (BoringSSL) when the server runs with it installed, which signs P-256 about 8x and
 * verifies about 5x as fast as BouncyCastle here; otherwise the given provider. Keys in a PKCS#11 token keep
 * the token's provider; anything but BouncyCastle as the given provider is kept as well.
 */
public final class Signatures {

    /** The name Conscrypt registers its provider under ({@code org.conscrypt.OpenSSLProvider}). */
    static final String CONSCRYPT = "Conscrypt";

    private Signatures() {}

    /** The provider to sign or verify with {@code key} instead of {@code given}. */
    public static Provider forKey(Key key, Provider given) {
        if (given == null || !"BC".equals(given.getName())) {
            return given;
        }
        String algorithm = key == null ? "" : key.getAlgorithm();
        if (!"EC".equals(algorithm) && !"RSA".equals(algorithm)) {
            return given;
        }
        Provider installed = Security.getProvider(CONSCRYPT);
        return installed != null ? installed : given;
    }

    /** Whether the fast provider is in use in this JVM. */
    public static boolean conscryptInstalled() {
        return Security.getProvider(CONSCRYPT) != null;
    }
}
