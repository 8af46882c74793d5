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
public record FirmwareManifest(
        ImageType imageType,
        long version,
        int securityVersion,
        long imageSize,
        long loadAddress,
        long entryAddress,
        byte[] imageDigest,
        byte[] buildId) {

    public static final int SIZE = 128;
    public static final int MAGIC = 0x4d465444; // "DTFM"
    public static final int FORMAT = 1;
    public static final int BUILD_ID_SIZE = 32;
    public static final int DIGEST_SIZE = 32;
    public static final int MAX_SECURITY_VERSION = 64;

    // Field offsets (firmware/docs/formats.md 1.1; C: include/fw/image.h, Python: qemu/formats.py).
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_FORMAT = 4;
    public static final int OFFSET_SIZE = 6;
    public static final int OFFSET_IMAGE_TYPE = 8;
    public static final int OFFSET_RESERVED_TYPE = 9;
    public static final int OFFSET_VERSION = 12;
    public static final int OFFSET_SECURITY_VERSION = 16;
    public static final int OFFSET_IMAGE_SIZE = 20;
    public static final int OFFSET_LOAD_ADDRESS = 24;
    public static final int OFFSET_ENTRY_ADDRESS = 28;
    public static final int OFFSET_IMAGE_DIGEST = 32;
    public static final int OFFSET_BUILD_ID = 64;
    public static final int OFFSET_RESERVED = 96;

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
        if (entryAddress < loadAddress
                || entryAddress - loadAddress >= imageSize
                || loadAddress + imageSize > 0xffff_ffffL) {
            throw new IllegalArgumentException("entry address must lie inside the loaded image");
        }
        if (imageDigest == null || imageDigest.length != DIGEST_SIZE) {
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
        b.putInt(OFFSET_MAGIC, MAGIC);
        b.putShort(OFFSET_FORMAT, (short) FORMAT);
        b.putShort(OFFSET_SIZE, (short) SIZE);
        b.put(OFFSET_IMAGE_TYPE, (byte) imageType.code());
        b.putInt(OFFSET_VERSION, (int) version);
        b.putInt(OFFSET_SECURITY_VERSION, securityVersion);
        b.putInt(OFFSET_IMAGE_SIZE, (int) imageSize);
        b.putInt(OFFSET_LOAD_ADDRESS, (int) loadAddress);
        b.putInt(OFFSET_ENTRY_ADDRESS, (int) entryAddress);
        b.put(OFFSET_IMAGE_DIGEST, imageDigest);
        b.put(OFFSET_BUILD_ID, buildId);
        // the reserved bytes stay zero
        return b.array();
    }

    public static FirmwareManifest decode(byte[] bytes) {
        if (bytes.length < SIZE) {
            throw new IllegalArgumentException("manifest truncated");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(OFFSET_MAGIC) != MAGIC) {
            throw new IllegalArgumentException("not a DeviceTrust manifest (bad magic)");
        }
        if (b.getShort(OFFSET_FORMAT) != FORMAT || b.getShort(OFFSET_SIZE) != SIZE) {
            throw new IllegalArgumentException("unsupported manifest format");
        }
        ImageType type = ImageType.fromCode(b.get(OFFSET_IMAGE_TYPE) & 0xff);
        requireZero(bytes, OFFSET_RESERVED_TYPE, OFFSET_VERSION);
        long version = Integer.toUnsignedLong(b.getInt(OFFSET_VERSION));
        int securityVersion = b.getInt(OFFSET_SECURITY_VERSION);
        long imageSize = Integer.toUnsignedLong(b.getInt(OFFSET_IMAGE_SIZE));
        long load = Integer.toUnsignedLong(b.getInt(OFFSET_LOAD_ADDRESS));
        long entry = Integer.toUnsignedLong(b.getInt(OFFSET_ENTRY_ADDRESS));
        byte[] digest = Arrays.copyOfRange(bytes, OFFSET_IMAGE_DIGEST, OFFSET_IMAGE_DIGEST + DIGEST_SIZE);
        byte[] buildId = Arrays.copyOfRange(bytes, OFFSET_BUILD_ID, OFFSET_BUILD_ID + BUILD_ID_SIZE);
        requireZero(bytes, OFFSET_RESERVED, SIZE);
        return new FirmwareManifest(type, version, securityVersion, imageSize, load, entry, digest, buildId);
    }

    private static void requireZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                throw new IllegalArgumentException("reserved manifest byte is not zero");
            }
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
        return "FirmwareManifest[" + imageType + " v" + version + " secver " + securityVersion + " size " + imageSize
                + " build " + buildIdText() + "]";
    }
}
