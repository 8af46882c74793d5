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
    public static final int DIGEST_SIZE = 32;
    public static final int PUBLIC_KEY_SIZE = 64;
    public static final int SIGNATURE_SIZE = 64;

    // Field offsets (firmware/docs/formats.md 1.2; C: include/fw/image.h, Python: qemu/formats.py).
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_VERSION = 1;
    public static final int OFFSET_RESERVED_HEAD = 2;
    public static final int OFFSET_MANIFEST_DIGEST = 4;
    public static final int OFFSET_CURVE = 36;
    public static final int OFFSET_RESERVED_CURVE = 37;
    public static final int OFFSET_PUBLIC_KEY = 40;
    public static final int OFFSET_SIGNATURE = 104;
    public static final int OFFSET_RESERVED_TAIL = 168;

    public SignatureBlock {
        if (manifestDigest == null || manifestDigest.length != DIGEST_SIZE) {
            throw new IllegalArgumentException("manifest digest must be 32 bytes");
        }
        if (publicKey == null || publicKey.length != PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("public key must be X||Y, 64 bytes");
        }
        if (signature == null || signature.length != SIGNATURE_SIZE) {
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
        out[OFFSET_MAGIC] = (byte) MAGIC;
        out[OFFSET_VERSION] = (byte) VERSION;
        System.arraycopy(manifestDigest, 0, out, OFFSET_MANIFEST_DIGEST, DIGEST_SIZE);
        out[OFFSET_CURVE] = (byte) CURVE_P256;
        System.arraycopy(publicKey, 0, out, OFFSET_PUBLIC_KEY, PUBLIC_KEY_SIZE);
        System.arraycopy(signature, 0, out, OFFSET_SIGNATURE, SIGNATURE_SIZE);
        return out;
    }

    public static SignatureBlock decode(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < SIZE) {
            throw new IllegalArgumentException("signature block missing (image truncated)");
        }
        if ((bytes[offset + OFFSET_MAGIC] & 0xff) != MAGIC) {
            throw new IllegalArgumentException("signature block missing (bad magic)");
        }
        if ((bytes[offset + OFFSET_VERSION] & 0xff) != VERSION || (bytes[offset + OFFSET_CURVE] & 0xff) != CURVE_P256) {
            throw new IllegalArgumentException("unsupported signature block");
        }
        int[][] reserved = {
            {OFFSET_RESERVED_HEAD, OFFSET_MANIFEST_DIGEST},
            {OFFSET_RESERVED_CURVE, OFFSET_PUBLIC_KEY},
            {OFFSET_RESERVED_TAIL, SIZE}
        };
        for (int[] r : reserved) {
            for (int i = r[0]; i < r[1]; i++) {
                if (bytes[offset + i] != 0) {
                    throw new IllegalArgumentException("reserved signature block byte is not zero");
                }
            }
        }
        return new SignatureBlock(
                Arrays.copyOfRange(
                        bytes, offset + OFFSET_MANIFEST_DIGEST, offset + OFFSET_MANIFEST_DIGEST + DIGEST_SIZE),
                Arrays.copyOfRange(bytes, offset + OFFSET_PUBLIC_KEY, offset + OFFSET_PUBLIC_KEY + PUBLIC_KEY_SIZE),
                Arrays.copyOfRange(bytes, offset + OFFSET_SIGNATURE, offset + OFFSET_SIGNATURE + SIGNATURE_SIZE));
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
