package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.security.Provider;
import java.util.Arrays;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpdateOfferTest {

    private final Provider bc = new BouncyCastleProvider();
    private byte[] image;
    private final byte[] id = new byte[16];

    @BeforeEach
    void signImage() throws Exception {
        KeyPair a = TestKeys.fromLabel("DeviceTrust test key A", bc);
        FirmwareSigner signer = new FirmwareSigner(a.getPrivate(), a.getPublic(), bc);
        byte[] payload = FirmwareVectorsTest.testPayload(1001);
        image = signer.sign(
                payload,
                signer.manifestFor(
                        payload, ImageType.APP, 4, 2, 0x8020_0000L, 0x8020_0000L, FirmwareManifest.buildIdOf("t")));
        Arrays.fill(id, (byte) 0xa5);
    }

    @Test
    void offerIs336BytesWithEveryFieldAtItsOffset() {
        byte[] bytes = UpdateOffer.of(id, 4096, image).encode();
        assertEquals(336, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464f5444, b.getInt(0));
        assertEquals("DTOF", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(4));
        assertEquals(32, b.getShort(6));
        assertArrayEquals(id, Arrays.copyOfRange(bytes, 8, 24));
        assertEquals(4096, b.getInt(24));
        assertEquals(128 + 1008 + 176, b.getInt(28));
        assertEquals(image.length, b.getInt(28));
        assertArrayEquals(Arrays.copyOf(image, 128), Arrays.copyOfRange(bytes, 32, 160));
        assertArrayEquals(
                Arrays.copyOfRange(image, image.length - 176, image.length), Arrays.copyOfRange(bytes, 160, 336));
    }

    @Test
    void decodeReadsBackWhatEncodeWrote() {
        UpdateOffer offer = UpdateOffer.of(id, 512, image);
        assertEquals(offer, UpdateOffer.decode(offer.encode()));
    }

    @Test
    void readerRefusesWhatTheContractRefuses() {
        byte[] good = UpdateOffer.of(id, 6144, image).encode();
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(Arrays.copyOf(good, 335)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(Arrays.copyOf(good, 337)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(with(good, 0, 0x45)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(with(good, 4, 2)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(with(good, 6, 33)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(withInt(good, 24, 511)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(withInt(good, 24, 6145)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(withInt(good, 28, image.length + 16)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(withInt(good, 28, -1)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(with(good, 160, 0)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.decode(with(good, 32 + 100, 1)));
    }

    @Test
    void writerRefusesAnImageItsManifestDoesNotDescribe() {
        assertThrows(
                IllegalArgumentException.class,
                () -> UpdateOffer.of(id, 4096, Arrays.copyOf(image, image.length + 16)));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.of(new byte[15], 4096, image));
        assertThrows(IllegalArgumentException.class, () -> UpdateOffer.of(id, 4096, new byte[303]));
    }

    @Test
    void anImageLargerThanTheSlotIsNotOffered() {
        byte[] manifest = Arrays.copyOf(image, 128);
        ByteBuffer.wrap(manifest).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 0x400000);
        byte[] block = Arrays.copyOfRange(image, image.length - 176, image.length);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new UpdateOffer(id, 4096, manifest, block));
        assertTrue(e.getMessage().contains("slot"), e.getMessage());
    }

    private static byte[] with(byte[] b, int offset, int value) {
        byte[] c = b.clone();
        c[offset] = (byte) value;
        return c;
    }

    private static byte[] withInt(byte[] b, int offset, int value) {
        byte[] c = b.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return c;
    }
}
