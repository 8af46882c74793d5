package org.devicetrust.firmware.control;

import java.util.Arrays;

/**
 * The signature block that follows a firmware image's payload (176 bytes), modelled on ESP32
 * Secure Boot V2's ECDSA block: magic 0xE7, version 0x03, the SHA-256 of the manifest, the P-256
 * public key and the raw r||s signature. See firmware/docs/formats.md.
 */
public record SignatureBlock(byte[] manifestDigest, byte[] publicKey, byte[] signature) {

    public static final int SIZE = 176;
    public static final int MAGIC = 0xe7;
    public static final int VERSION = 0x03;
    public static final int CURVE_P256 = 2;

    public SignatureBlock {
        if (manifestDigest == null || manifestDigest.length != 32) {
            throw new IllegalArgumentException("manifest digest must be 32 bytes");
        }
        if (publicKey == null || publicKey.length != 64) {
            throw new IllegalArgumentException("public key must be X||Y, 64 bytes");
        }
        if (signature == null || signature.length != 64) {
            throw new IllegalArgumentException("signature must be r||s, 64 bytes");
        }
        manifestDigest = manifestDigest.clone();
        publicKey = publicKey.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] manifestDigest() {
        return manifestDigest.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        out[0] = (byte) MAGIC;
        out[1] = (byte) VERSION;
        System.arraycopy(manifestDigest, 0, out, 4, 32);
        out[36] = (byte) CURVE_P256;
        System.arraycopy(publicKey, 0, out, 40, 64);
        System.arraycopy(signature, 0, out, 104, 64);
        return out;
    }

    public static SignatureBlock decode(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < SIZE) {
            throw new IllegalArgumentException("signature block missing (image truncated)");
        }
        if ((bytes[offset] & 0xff) != MAGIC) {
            throw new IllegalArgumentException("signature block missing (bad magic)");
        }
        if ((bytes[offset + 1] & 0xff) != VERSION || (bytes[offset + 36] & 0xff) != CURVE_P256) {
            throw new IllegalArgumentException("unsupported signature block");
        }
        int[][] reserved = {{2, 4}, {37, 40}, {168, 176}};
        for (int[] r : reserved) {
            for (int i = r[0]; i < r[1]; i++) {
                if (bytes[offset + i] != 0) {
                    throw new IllegalArgumentException("reserved signature block byte is not zero");
                }
            }
        }
        return new SignatureBlock(Arrays.copyOfRange(bytes, offset + 4, offset + 36),
                Arrays.copyOfRange(bytes, offset + 40, offset + 104),
                Arrays.copyOfRange(bytes, offset + 104, offset + 168));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignatureBlock s && Arrays.equals(encode(), s.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "SignatureBlock[key " + FirmwareKeys.hex(publicKey).substring(0, 16) + "...]";
    }
}
