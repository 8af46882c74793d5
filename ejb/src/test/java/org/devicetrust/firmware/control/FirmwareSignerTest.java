package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FirmwareSignerTest {

    private final Provider bc = new BouncyCastleProvider();
    private FirmwareSigner signer;
    private final byte[] payload = "a tiny firmware payload of 37 bytes!!".getBytes();

    @BeforeEach
    void setUp() throws Exception {
        KeyPair kp = TestKeys.fromLabel("signer test", bc);
        signer = new FirmwareSigner(kp.getPrivate(), kp.getPublic(), bc);
    }

    private byte[] signApp(int version, int securityVersion) {
        FirmwareManifest m = signer.manifestFor(payload, ImageType.APP, version, securityVersion, 0x8020_0000L,
                0x8020_0000L, FirmwareManifest.buildIdOf("test-build"));
        return signer.sign(payload, m);
    }

    @Test
    void imageLayoutIsManifestPaddedPayloadThenSignatureBlock() {
        byte[] image = signApp(3, 2);
        assertEquals(128 + 48 + 176, image.length);
        assertEquals(0xe7, image[128 + 48] & 0xff);
        SignedImage parsed = SignedImage.parse(image);
        assertEquals(3, parsed.manifest().version());
        assertEquals(2, parsed.manifest().securityVersion());
        assertEquals("test-build", parsed.manifest().buildIdText());
        assertArrayEquals(payload, parsed.payload());
        parsed.verifySignature(bc);
    }

    @Test
    void signingIsDeterministic() {
        assertArrayEquals(signApp(3, 2), signApp(3, 2));
    }

    @Test
    void manifestRoundTripsThroughBytes() {
        FirmwareManifest m = signer.manifestFor(payload, ImageType.BOOTLOADER, 0xffff_fffeL, 64, 0x8010_0000L,
                0x8010_0004L, FirmwareManifest.buildIdOf("x".repeat(32)));
        assertEquals(m, FirmwareManifest.decode(m.encode()));
    }

    @Test
    void flippedBitInManifestIsDetected() {
        byte[] image = signApp(3, 2);
        image[12] ^= 1; // version
        var e = assertThrows(IllegalArgumentException.class, () -> SignedImage.parse(image).verifySignature(bc));
        assertEquals("manifest digest mismatch", e.getMessage());
    }

    @Test
    void flippedBitInPayloadIsDetected() {
        byte[] image = signApp(3, 2);
        image[130] ^= 0x10;
        var e = assertThrows(IllegalArgumentException.class, () -> SignedImage.parse(image).verifySignature(bc));
        assertEquals("image digest mismatch", e.getMessage());
    }

    @Test
    void flippedBitInSignatureIsDetected() {
        byte[] image = signApp(3, 2);
        image[image.length - 176 + 110] ^= 1;
        var e = assertThrows(IllegalArgumentException.class, () -> SignedImage.parse(image).verifySignature(bc));
        assertTrue(e.getMessage().startsWith("signature invalid"));
    }

    @Test
    void truncatedImageHasNoSignatureBlock() {
        byte[] image = signApp(3, 2);
        byte[] cut = java.util.Arrays.copyOf(image, image.length - 1);
        var e = assertThrows(IllegalArgumentException.class, () -> SignedImage.parse(cut));
        assertTrue(e.getMessage().startsWith("signature block missing"));
    }

    @Test
    void manifestRejectsEntryOutsideImageAndTooHighSecurityVersion() {
        byte[] d = new byte[32];
        byte[] id = new byte[32];
        assertThrows(IllegalArgumentException.class,
                () -> new FirmwareManifest(ImageType.APP, 1, 0, 16, 0x1000, 0x1010, d, id));
        assertThrows(IllegalArgumentException.class,
                () -> new FirmwareManifest(ImageType.APP, 1, 65, 16, 0x1000, 0x1000, d, id));
        assertThrows(IllegalArgumentException.class, () -> FirmwareManifest.buildIdOf("x".repeat(33)));
    }

    @Test
    void refusesKeysNotOnP256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = g.generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> new FirmwareSigner(p384.getPrivate(), p384.getPublic(), bc));
    }

    @Test
    void keyDigestIsSha256OfUncompressedPoint() throws Exception {
        byte[] raw = FirmwareKeys.rawPublicKey(signer.publicKey());
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(raw, 0, point, 1, 64);
        assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(point), signer.keyDigest());
    }
}
