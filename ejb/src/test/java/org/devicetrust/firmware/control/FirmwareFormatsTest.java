package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The byte formats are named once per language: the C macros (include/fw/*.h), qemu/formats.py and
 * the constants of this package all equal firmware/test/vectors/formats.txt, which each side checks.
 */
class FirmwareFormatsTest {

    static final Path FORMATS = FirmwareVectorsTest.VECTORS.resolve("formats.txt");

    static Map<String, Long> vector() throws IOException {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(FORMATS, StandardCharsets.US_ASCII)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            String v = l.substring(eq + 1).strip();
            values.put(
                    l.substring(0, eq).strip(),
                    v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
        }
        return values;
    }

    /** The Java constant for each vector name the Java side writes or reads. */
    static Map<String, Long> javaConstants() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("MANIFEST_SIZE", (long) FirmwareManifest.SIZE);
        c.put("MANIFEST_MAGIC", (long) FirmwareManifest.MAGIC);
        c.put("MANIFEST_FORMAT", (long) FirmwareManifest.FORMAT);
        c.put("BUILD_ID_SIZE", (long) FirmwareManifest.BUILD_ID_SIZE);
        c.put("IMAGE_TYPE_BOOTLOADER", (long) ImageType.BOOTLOADER.code());
        c.put("IMAGE_TYPE_APP", (long) ImageType.APP.code());
        c.put("MANIFEST_OFF_MAGIC", (long) FirmwareManifest.OFFSET_MAGIC);
        c.put("MANIFEST_OFF_FORMAT", (long) FirmwareManifest.OFFSET_FORMAT);
        c.put("MANIFEST_OFF_SIZE", (long) FirmwareManifest.OFFSET_SIZE);
        c.put("MANIFEST_OFF_IMAGE_TYPE", (long) FirmwareManifest.OFFSET_IMAGE_TYPE);
        c.put("MANIFEST_OFF_RESERVED_TYPE", (long) FirmwareManifest.OFFSET_RESERVED_TYPE);
        c.put("MANIFEST_OFF_VERSION", (long) FirmwareManifest.OFFSET_VERSION);
        c.put("MANIFEST_OFF_SECURITY_VERSION", (long) FirmwareManifest.OFFSET_SECURITY_VERSION);
        c.put("MANIFEST_OFF_IMAGE_SIZE", (long) FirmwareManifest.OFFSET_IMAGE_SIZE);
        c.put("MANIFEST_OFF_LOAD_ADDR", (long) FirmwareManifest.OFFSET_LOAD_ADDRESS);
        c.put("MANIFEST_OFF_ENTRY_ADDR", (long) FirmwareManifest.OFFSET_ENTRY_ADDRESS);
        c.put("MANIFEST_OFF_IMAGE_DIGEST", (long) FirmwareManifest.OFFSET_IMAGE_DIGEST);
        c.put("MANIFEST_OFF_BUILD_ID", (long) FirmwareManifest.OFFSET_BUILD_ID);
        c.put("MANIFEST_OFF_RESERVED", (long) FirmwareManifest.OFFSET_RESERVED);
        c.put("MANIFEST_RESERVED_SIZE", (long) (FirmwareManifest.SIZE - FirmwareManifest.OFFSET_RESERVED));
        c.put("EFUSE_MAX_SECURITY_VERSION", (long) FirmwareManifest.MAX_SECURITY_VERSION);
        c.put("PAYLOAD_ALIGN", (long) SignedImage.PAYLOAD_ALIGN);
        c.put("SIGBLOCK_SIZE", (long) SignatureBlock.SIZE);
        c.put("SIGBLOCK_MAGIC", (long) SignatureBlock.MAGIC);
        c.put("SIGBLOCK_VERSION", (long) SignatureBlock.VERSION);
        c.put("SIGBLOCK_CURVE_P256", (long) SignatureBlock.CURVE_P256);
        c.put("SIGBLOCK_OFF_MAGIC", (long) SignatureBlock.OFFSET_MAGIC);
        c.put("SIGBLOCK_OFF_VERSION", (long) SignatureBlock.OFFSET_VERSION);
        c.put("SIGBLOCK_OFF_RESERVED_HEAD", (long) SignatureBlock.OFFSET_RESERVED_HEAD);
        c.put("SIGBLOCK_OFF_MANIFEST_DIGEST", (long) SignatureBlock.OFFSET_MANIFEST_DIGEST);
        c.put("SIGBLOCK_OFF_CURVE", (long) SignatureBlock.OFFSET_CURVE);
        c.put("SIGBLOCK_OFF_RESERVED_CURVE", (long) SignatureBlock.OFFSET_RESERVED_CURVE);
        c.put("SIGBLOCK_OFF_PUBKEY", (long) SignatureBlock.OFFSET_PUBLIC_KEY);
        c.put("SIGBLOCK_OFF_SIGNATURE", (long) SignatureBlock.OFFSET_SIGNATURE);
        c.put("SIGBLOCK_OFF_RESERVED_TAIL", (long) SignatureBlock.OFFSET_RESERVED_TAIL);
        c.put("KEY_SLOTS", (long) TrustedKeySlots.KEY_SLOTS);
        c.put("APP_SLOT_SIZE", UpdateOffer.APP_SLOT_SIZE);
        c.put("OFFER_MAGIC", (long) UpdateOffer.OFFER_MAGIC);
        c.put("OFFER_OFF_MAGIC", (long) UpdateOffer.OFFER_OFF_MAGIC);
        c.put("OFFER_FORMAT", (long) UpdateOffer.OFFER_FORMAT);
        c.put("OFFER_OFF_FORMAT", (long) UpdateOffer.OFFER_OFF_FORMAT);
        c.put("OFFER_HEADER_SIZE", (long) UpdateOffer.OFFER_HEADER_SIZE);
        c.put("OFFER_OFF_HEADER_SIZE", (long) UpdateOffer.OFFER_OFF_HEADER_SIZE);
        c.put("OFFER_OFF_UPDATE_ID", (long) UpdateOffer.OFFER_OFF_UPDATE_ID);
        c.put("OFFER_UPDATE_ID_SIZE", (long) UpdateOffer.OFFER_UPDATE_ID_SIZE);
        c.put("OFFER_OFF_CHUNK_SIZE", (long) UpdateOffer.OFFER_OFF_CHUNK_SIZE);
        c.put("OFFER_CHUNK_MIN", (long) UpdateOffer.OFFER_CHUNK_MIN);
        c.put("OFFER_CHUNK_MAX", (long) UpdateOffer.OFFER_CHUNK_MAX);
        c.put("OFFER_CHUNK_ALIGN", (long) UpdateOffer.OFFER_CHUNK_ALIGN);
        c.put("OFFER_OFF_IMAGE_LENGTH", (long) UpdateOffer.OFFER_OFF_IMAGE_LENGTH);
        c.put("OFFER_OFF_MANIFEST", (long) UpdateOffer.OFFER_OFF_MANIFEST);
        c.put("OFFER_OFF_SIGBLOCK", (long) UpdateOffer.OFFER_OFF_SIGBLOCK);
        c.put("OFFER_SIZE", (long) UpdateOffer.OFFER_SIZE);
        return c;
    }

    @Test
    void javaConstantsEqualTheSharedVector() throws IOException {
        assumeTrue(Files.exists(FORMATS), "firmware sources not beside the ejb module");
        Map<String, Long> vector = vector();
        javaConstants().forEach((name, value) -> {
            assertTrue(vector.containsKey(name), name + " missing from formats.txt");
            assertEquals(vector.get(name), value, name + " differs between Java and formats.txt");
        });
    }

    @Test
    void signedVectorImageHasItsFieldsWhereTheSharedVectorSays() throws IOException {
        Path img = FirmwareVectorsTest.VECTORS.resolve("app-v3.img");
        assumeTrue(Files.exists(img) && Files.exists(FORMATS), "vectors not beside the ejb module");
        Map<String, Long> f = vector();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(
                f.get("MANIFEST_MAGIC"),
                Integer.toUnsignedLong(b.getInt(f.get("MANIFEST_OFF_MAGIC").intValue())));
        assertEquals(3, b.getInt(f.get("MANIFEST_OFF_VERSION").intValue()));
        assertEquals(2, b.getInt(f.get("MANIFEST_OFF_SECURITY_VERSION").intValue()));
        assertEquals(1000, b.getInt(f.get("MANIFEST_OFF_IMAGE_SIZE").intValue()));
        assertEquals(
                0x8020_0010L,
                Integer.toUnsignedLong(b.getInt(f.get("MANIFEST_OFF_ENTRY_ADDR").intValue())));
        long align = f.get("PAYLOAD_ALIGN");
        int block = (int) (f.get("MANIFEST_SIZE") + (1000 + align - 1) / align * align);
        assertEquals(block + f.get("SIGBLOCK_SIZE"), b.capacity());
        assertEquals(f.get("SIGBLOCK_MAGIC"), (long)
                (b.get(block + f.get("SIGBLOCK_OFF_MAGIC").intValue()) & 0xff));
        assertEquals(f.get("SIGBLOCK_CURVE_P256"), (long)
                (b.get(block + f.get("SIGBLOCK_OFF_CURVE").intValue()) & 0xff));
    }
}
