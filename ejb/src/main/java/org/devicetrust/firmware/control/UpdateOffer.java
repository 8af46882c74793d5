package org.devicetrust.firmware.control;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The offer a device receives for an open update ({@code application/vnd.devicetrust.offer}, 336 bytes,
 * little-endian): update id, chunk size, image length, and the release's manifest and signature block exactly as
 * signed, so the device checks key slot, signature, type, size and security version before the first payload
 * byte. The layout is in docs/ota.md; the constants equal firmware/test/vectors/formats.txt.
 */
public record UpdateOffer(byte[] updateId, int chunkSize, byte[] manifest, byte[] signatureBlock) {

    public static final int OFFER_MAGIC = 0x464f5444; // "DTOF"
    public static final int OFFER_FORMAT = 1;
    public static final int OFFER_HEADER_SIZE = 32;
    public static final int OFFER_UPDATE_ID_SIZE = 16;
    public static final int OFFER_CHUNK_MIN = 512;
    public static final int OFFER_CHUNK_MAX = 6144;
    /** Chunks are whole 16-byte units: the device programs flash in words and checkpoints on the chunk grid. */
    public static final int OFFER_CHUNK_ALIGN = 16;

    public static final int OFFER_SIZE = 336;

    public static final int OFFER_OFF_MAGIC = 0;
    public static final int OFFER_OFF_FORMAT = 4;
    public static final int OFFER_OFF_HEADER_SIZE = 6;
    public static final int OFFER_OFF_UPDATE_ID = 8;
    public static final int OFFER_OFF_CHUNK_SIZE = 24;
    public static final int OFFER_OFF_IMAGE_LENGTH = 28;
    public static final int OFFER_OFF_MANIFEST = 32;
    public static final int OFFER_OFF_SIGBLOCK = 160;

    /** The largest signed image an app slot holds (formats.txt APP_SLOT_SIZE). */
    public static final long APP_SLOT_SIZE = 0x400000;

    public UpdateOffer {
        if (updateId == null || updateId.length != OFFER_UPDATE_ID_SIZE) {
            throw new IllegalArgumentException("update id must be " + OFFER_UPDATE_ID_SIZE + " bytes");
        }
        if (chunkSize < OFFER_CHUNK_MIN || chunkSize > OFFER_CHUNK_MAX || chunkSize % OFFER_CHUNK_ALIGN != 0) {
            throw new IllegalArgumentException("chunk size must be a multiple of " + OFFER_CHUNK_ALIGN + " in "
                    + OFFER_CHUNK_MIN + ".." + OFFER_CHUNK_MAX + " bytes");
        }
        if (manifest == null || manifest.length != FirmwareManifest.SIZE) {
            throw new IllegalArgumentException("manifest must be " + FirmwareManifest.SIZE + " bytes");
        }
        if (signatureBlock == null || signatureBlock.length != SignatureBlock.SIZE) {
            throw new IllegalArgumentException("signature block must be " + SignatureBlock.SIZE + " bytes");
        }
        FirmwareManifest decoded = FirmwareManifest.decode(manifest);
        SignatureBlock.decode(signatureBlock, 0);
        if (imageLength(decoded) > APP_SLOT_SIZE) {
            throw new IllegalArgumentException("image does not fit an app slot");
        }
        updateId = updateId.clone();
        manifest = manifest.clone();
        signatureBlock = signatureBlock.clone();
    }

    /** The offer of a signed image: its first 128 bytes and its last 176 bytes. */
    public static UpdateOffer of(byte[] updateId, int chunkSize, byte[] signedImage) {
        if (signedImage.length < FirmwareManifest.SIZE + SignatureBlock.SIZE) {
            throw new IllegalArgumentException("signed image truncated");
        }
        byte[] manifest = Arrays.copyOf(signedImage, FirmwareManifest.SIZE);
        if (imageLength(FirmwareManifest.decode(manifest)) != signedImage.length) {
            throw new IllegalArgumentException("image length differs from the one its manifest gives");
        }
        byte[] block = Arrays.copyOfRange(signedImage, signedImage.length - SignatureBlock.SIZE, signedImage.length);
        return new UpdateOffer(updateId, chunkSize, manifest, block);
    }

    /** The whole signed image: 128 + align16(image size) + 176 bytes, exactly what the slot holds. */
    public static long imageLength(FirmwareManifest manifest) {
        return SignedImage.signatureBlockOffset(manifest.imageSize()) + SignatureBlock.SIZE;
    }

    public long imageLength() {
        return imageLength(FirmwareManifest.decode(manifest));
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(OFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(OFFER_OFF_MAGIC, OFFER_MAGIC);
        b.putShort(OFFER_OFF_FORMAT, (short) OFFER_FORMAT);
        b.putShort(OFFER_OFF_HEADER_SIZE, (short) OFFER_HEADER_SIZE);
        b.put(OFFER_OFF_UPDATE_ID, updateId);
        b.putInt(OFFER_OFF_CHUNK_SIZE, chunkSize);
        b.putInt(OFFER_OFF_IMAGE_LENGTH, (int) imageLength());
        b.put(OFFER_OFF_MANIFEST, manifest);
        b.put(OFFER_OFF_SIGBLOCK, signatureBlock);
        return b.array();
    }

    /** Reads an offer with the checks the device makes; throws with the reason otherwise. */
    public static UpdateOffer decode(byte[] bytes) {
        if (bytes == null || bytes.length != OFFER_SIZE) {
            throw new IllegalArgumentException("offer must be exactly " + OFFER_SIZE + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(OFFER_OFF_MAGIC) != OFFER_MAGIC) {
            throw new IllegalArgumentException("not an update offer (bad magic)");
        }
        if (b.getShort(OFFER_OFF_FORMAT) != OFFER_FORMAT || b.getShort(OFFER_OFF_HEADER_SIZE) != OFFER_HEADER_SIZE) {
            throw new IllegalArgumentException("unsupported offer format");
        }
        UpdateOffer offer = new UpdateOffer(
                Arrays.copyOfRange(bytes, OFFER_OFF_UPDATE_ID, OFFER_OFF_UPDATE_ID + OFFER_UPDATE_ID_SIZE),
                b.getInt(OFFER_OFF_CHUNK_SIZE),
                Arrays.copyOfRange(bytes, OFFER_OFF_MANIFEST, OFFER_OFF_MANIFEST + FirmwareManifest.SIZE),
                Arrays.copyOfRange(bytes, OFFER_OFF_SIGBLOCK, OFFER_OFF_SIGBLOCK + SignatureBlock.SIZE));
        if (Integer.toUnsignedLong(b.getInt(OFFER_OFF_IMAGE_LENGTH)) != offer.imageLength()) {
            throw new IllegalArgumentException("image length differs from the one the manifest gives");
        }
        return offer;
    }

    @Override
    public byte[] updateId() {
        return updateId.clone();
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] signatureBlock() {
        return signatureBlock.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpdateOffer other && Arrays.equals(encode(), other.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "UpdateOffer[" + FirmwareKeys.hex(updateId) + ", chunk " + chunkSize + "]";
    }
}
