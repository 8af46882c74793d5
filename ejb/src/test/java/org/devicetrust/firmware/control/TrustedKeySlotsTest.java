package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TrustedKeySlotsTest {

    static final String A = "11".repeat(32);
    static final String B = "22".repeat(32);

    @Test
    void aKeyInAnUnrevokedSlotIsTrustedWithItsSlotNumber() {
        TrustedKeySlots slots = TrustedKeySlots.parse(A + "," + B, "");
        assertEquals(new TrustedKeySlots.Trusted(0), slots.judge(digest(A)));
        assertEquals(new TrustedKeySlots.Trusted(1), slots.judge(digest(B)));
    }

    @Test
    void aKeyInARevokedSlotIsRevokedAndAnotherKeyIsUntrusted() {
        TrustedKeySlots slots = TrustedKeySlots.parse(A + "," + B, "0");
        assertEquals(new TrustedKeySlots.Revoked(0), slots.judge(digest(A)));
        assertEquals(new TrustedKeySlots.Trusted(1), slots.judge(digest(B)));
        assertEquals(new TrustedKeySlots.Untrusted(), slots.judge(digest("33".repeat(32))));
    }

    @Test
    void anEmptySlotMatchesNothingNotEvenTheZeroDigest() {
        TrustedKeySlots slots = TrustedKeySlots.parse("," + B, " ");
        assertEquals(new TrustedKeySlots.Untrusted(), slots.judge(new byte[32]));
        assertEquals(new TrustedKeySlots.Trusted(1), slots.judge(digest(B)));
    }

    @Test
    void badConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TrustedKeySlots.parse(A + "," + B + "," + A + "," + B, ""));
        assertThrows(IllegalArgumentException.class, () -> TrustedKeySlots.parse("abc", ""));
        assertThrows(IllegalArgumentException.class, () -> TrustedKeySlots.parse(A, "3"));
        assertThrows(IllegalArgumentException.class, () -> TrustedKeySlots.parse(A, "x"));
    }

    private static byte[] digest(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
