package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

/**
 * The shared vectors in firmware/test/vectors/ are written by this Java signer and read by the C
 * host tests. This test regenerates them and fails if the committed files differ (so a format
 * change on either side is caught); run with -Ddevicetrust.firmware.writeVectors=true to rewrite.
 */
class FirmwareVectorsTest {

    static final Path VECTORS = Path.of("..", "firmware", "test", "vectors");
    private final Provider bc = new BouncyCastleProvider();

    /** The shared offer vector's update id: bytes 00 01 .. 0f (docs/ota.md). */
    static final byte[] OFFER_UPDATE_ID = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    static byte[] testPayload(int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (i * 31 + 7);
        }
        return p;
    }

    Map<String, byte[]> generate() throws Exception {
        KeyPair a = TestKeys.fromLabel("DeviceTrust test key A", bc);
        KeyPair b = TestKeys.fromLabel("DeviceTrust test key B", bc);
        FirmwareSigner signerA = new FirmwareSigner(a.getPrivate(), a.getPublic(), bc);
        FirmwareSigner signerB = new FirmwareSigner(b.getPrivate(), b.getPublic(), bc);
        byte[] appPayload = testPayload(1000);
        byte[] blPayload = testPayload(300);
        FirmwareManifest app = signerA.manifestFor(
                appPayload,
                ImageType.APP,
                3,
                2,
                0x8020_0000L,
                0x8020_0010L,
                FirmwareManifest.buildIdOf("vector-build-1"));
        FirmwareManifest bl = signerA.manifestFor(
                blPayload,
                ImageType.BOOTLOADER,
                1,
                0,
                0x8010_0000L,
                0x8010_0000L,
                FirmwareManifest.buildIdOf("vector-bootloader"));

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("app-v3.img", signerA.sign(appPayload, app));
        files.put("bootloader-v1.img", signerA.sign(blPayload, bl));
        files.put("app-v3-untrusted.img", signerB.sign(appPayload, app));
        files.put(
                "offer-app-v3.bin",
                UpdateOffer.of(OFFER_UPDATE_ID, 4096, files.get("app-v3.img")).encode());
        String txt = "# written by FirmwareVectorsTest (Java signer); read by firmware/test/test_vectors.c\n"
                + "key_a_digest=" + FirmwareKeys.hex(signerA.keyDigest()) + "\n"
                + "key_b_digest=" + FirmwareKeys.hex(signerB.keyDigest()) + "\n"
                + "app_version=3\napp_security_version=2\napp_image_size=1000\n"
                + "app_load_addr=80200000\napp_entry_addr=80200010\n"
                + "app_image_digest=" + FirmwareKeys.hex(app.imageDigest()) + "\n"
                + "app_build_id=vector-build-1\n"
                + "bootloader_version=1\nbootloader_image_size=300\n";
        files.put("vectors.txt", txt.getBytes(StandardCharsets.US_ASCII));
        return files;
    }

    @Test
    void committedVectorsMatchTheJavaSigner() throws Exception {
        assumeTrue(Files.isDirectory(VECTORS.getParent()), "firmware sources not beside the ejb module");
        Map<String, byte[]> files = generate();
        boolean write = Boolean.getBoolean("devicetrust.firmware.writeVectors");
        for (var e : files.entrySet()) {
            Path p = VECTORS.resolve(e.getKey());
            if (write || !Files.exists(p)) {
                Files.createDirectories(VECTORS);
                Files.write(p, e.getValue());
            }
            assertArrayEquals(e.getValue(), Files.readAllBytes(p), e.getKey() + " differs from the Java signer");
        }
    }

    @Test
    void javaReaderAcceptsTheVectorsTheCReaderChecks() throws IOException {
        assumeTrue(Files.exists(VECTORS.resolve("app-v3.img")), "vectors not generated yet");
        SignedImage app = SignedImage.parse(Files.readAllBytes(VECTORS.resolve("app-v3.img")));
        app.verifySignature(bc);
        assertEquals(3, app.manifest().version());
        assertEquals("vector-build-1", app.manifest().buildIdText());
    }

    @Test
    void offerVectorCarriesTheImagesManifestAndSignatureBlock() throws IOException {
        assumeTrue(Files.exists(VECTORS.resolve("offer-app-v3.bin")), "vectors not generated yet");
        byte[] image = Files.readAllBytes(VECTORS.resolve("app-v3.img"));
        UpdateOffer offer = UpdateOffer.decode(Files.readAllBytes(VECTORS.resolve("offer-app-v3.bin")));
        assertArrayEquals(OFFER_UPDATE_ID, offer.updateId());
        assertEquals(4096, offer.chunkSize());
        assertEquals(image.length, offer.imageLength());
        assertArrayEquals(java.util.Arrays.copyOf(image, 128), offer.manifest());
        assertArrayEquals(
                java.util.Arrays.copyOfRange(image, image.length - 176, image.length), offer.signatureBlock());
    }
}
