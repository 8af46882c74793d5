package org.devicetrust.firmware.control;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The signed manifest of a firmware image (128 bytes, little-endian), as specified in
 * firmware/docs/formats.md. The device admits an image only if the signature over these exact
 * bytes verifies and the payload hashes to {@link #imageDigest()}.
 */
public record FirmwareManifest(ImageType imageType, long version, int securityVersion, long imageSize,
        long loadAddress, long entryAddress, byte[] imageDigest, byte[] buildId) {

    public static final int SIZE = 128;
    public static final int MAGIC = 0x4d465444; // "DTFM"
    public static final int FORMAT = 1;
    public static final int BUILD_ID_SIZE = 32;
    public static final int MAX_SECURITY_VERSION = 64;

    public FirmwareManifest {
        requireU32(version, "version");
        requireU32(imageSize, "image size");
        requireU32(loadAddress, "load address");
        requireU32(entryAddress, "entry address");
        if (imageType == null) {
            throw new IllegalArgumentException("image type missing");
        }
        if (securityVersion < 0 || securityVersion > MAX_SECURITY_VERSION) {
            throw new IllegalArgumentException("security version must be 0.." + MAX_SECURITY_VERSION);
        }
        if (imageSize == 0) {
            throw new IllegalArgumentException("image is empty");
        }
        if (entryAddress < loadAddress || entryAddress - loadAddress >= imageSize
                || loadAddress + imageSize > 0xffff_ffffL) {
            throw new IllegalArgumentException("entry address must lie inside the loaded image");
        }
        if (imageDigest == null || imageDigest.length != 32) {
            throw new IllegalArgumentException("image digest must be 32 bytes");
        }
        if (buildId == null || buildId.length != BUILD_ID_SIZE) {
            throw new IllegalArgumentException("build id must be " + BUILD_ID_SIZE + " bytes");
        }
        imageDigest = imageDigest.clone();
        buildId = buildId.clone();
    }

    /** Build id from printable ASCII text, NUL-padded to 32 bytes. */
    public static byte[] buildIdOf(String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length > BUILD_ID_SIZE || !text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException("build id must be at most 32 printable ASCII characters");
        }
        return Arrays.copyOf(ascii, BUILD_ID_SIZE);
    }

    public String buildIdText() {
        int end = 0;
        while (end < buildId.length && buildId[end] != 0) {
            end++;
        }
        return new String(buildId, 0, end, StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] imageDigest() {
        return imageDigest.clone();
    }

    @Override
    public byte[] buildId() {
        return buildId.clone();
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC);
        b.putShort((short) FORMAT);
        b.putShort((short) SIZE);
        b.put((byte) imageType.code());
        b.put(new byte[3]);
        b.putInt((int) version);
        b.putInt(securityVersion);
        b.putInt((int) imageSize);
        b.putInt((int) loadAddress);
        b.putInt((int) entryAddress);
        b.put(imageDigest);
        b.put(buildId);
        // bytes 96..127 reserved, zero
        return b.array();
    }

    public static FirmwareManifest decode(byte[] bytes) {
        if (bytes.length < SIZE) {
            throw new IllegalArgumentException("manifest truncated");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a DeviceTrust manifest (bad magic)");
        }
        if (b.getShort() != FORMAT || b.getShort() != SIZE) {
            throw new IllegalArgumentException("unsupported manifest format");
        }
        ImageType type = ImageType.fromCode(b.get() & 0xff);
        for (int i = 9; i < 12; i++) {
            requireZero(bytes[i]);
        }
        b.position(12);
        long version = Integer.toUnsignedLong(b.getInt());
        int securityVersion = b.getInt();
        long imageSize = Integer.toUnsignedLong(b.getInt());
        long load = Integer.toUnsignedLong(b.getInt());
        long entry = Integer.toUnsignedLong(b.getInt());
        byte[] digest = new byte[32];
        b.get(digest);
        byte[] buildId = new byte[BUILD_ID_SIZE];
        b.get(buildId);
        for (int i = 96; i < SIZE; i++) {
            requireZero(bytes[i]);
        }
        return new FirmwareManifest(type, version, securityVersion, imageSize, load, entry, digest, buildId);
    }

    private static void requireZero(byte b) {
        if (b != 0) {
            throw new IllegalArgumentException("reserved manifest byte is not zero");
        }
    }

    private static void requireU32(long v, String what) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " must fit in 32 bits");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirmwareManifest m && Arrays.equals(encode(), m.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "FirmwareManifest[" + imageType + " v" + version + " secver " + securityVersion + " size "
                + imageSize + " build " + buildIdText() + "]";
    }
}
