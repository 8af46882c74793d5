package org.devicetrust.firmware.control;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.HexFormat;

/** Encodings of firmware signing keys shared with the device: raw X||Y and the key-slot digest. */
public final class FirmwareKeys {

    private static final BigInteger P256_ORDER =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    private FirmwareKeys() {
    }

    /** The public key as 64 bytes X||Y, big-endian; only P-256 keys are accepted. */
    public static byte[] rawPublicKey(PublicKey key) {
        if (!(key instanceof ECPublicKey ec)) {
            throw new IllegalArgumentException("firmware signing key must be an EC key");
        }
        requireP256(ec.getParams());
        byte[] out = new byte[64];
        unsigned32(ec.getW().getAffineX(), out, 0);
        unsigned32(ec.getW().getAffineY(), out, 32);
        return out;
    }

    /** What a device key slot holds: SHA-256 of the uncompressed point 0x04 || X || Y. */
    public static byte[] keyDigest(PublicKey key) {
        return keyDigest(rawPublicKey(key));
    }

    public static byte[] keyDigest(byte[] rawPublicKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((byte) 0x04);
            sha.update(rawPublicKey);
            return sha.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static void requireP256(ECParameterSpec params) {
        if (params == null || !params.getOrder().equals(P256_ORDER) || params.getCofactor() != 1) {
            throw new IllegalArgumentException("firmware signing key must be on curve P-256");
        }
    }

    static void unsigned32(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int start = b.length > 32 ? b.length - 32 : 0;
        int len = b.length - start;
        if (len > 32 || v.signum() < 0) {
            throw new IllegalArgumentException("value does not fit in 32 bytes");
        }
        System.arraycopy(b, start, out, offset + 32 - len, len);
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
