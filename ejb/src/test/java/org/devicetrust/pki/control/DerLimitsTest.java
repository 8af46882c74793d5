package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class DerLimitsTest {

    @Test
    void acceptsARealRequest() {
        assertNull(DerLimits.check(TestPki.csr(TestPki.ec("secp256r1")), DerLimits.MAX_DEPTH));
        assertNull(DerLimits.check(TestPki.csr(TestPki.rsa(2048)), DerLimits.MAX_DEPTH));
    }

    @Test
    void acceptsEmptyConstructedElementsAndHighTagNumbers() {
        assertNull(DerLimits.check(new byte[] {0x30, 0x00}, 4));
        assertNull(DerLimits.check(new byte[] {0x30, 0x06, 0x30, 0x00, 0x1f, (byte) 0x81, 0x01, 0x00}, 4));
    }

    @Test
    void refusesNestingOneLevelDeeperThanTheLimit() {
        assertNull(DerLimits.check(nested(32), 32));
        assertEquals("DER nested deeper than 32 levels", DerLimits.check(nested(33), 32));
    }

    @Test
    void aNestingBombThatOverflowsTheParserIsRefusedHere() {
        byte[] bomb = nested(3900);
        assertTrue(bomb.length <= CsrValidator.MAX_CSR_BYTES, "the bomb fits the CSR size limit");
        assertEquals("DER nested deeper than 32 levels", DerLimits.check(bomb, DerLimits.MAX_DEPTH));
        CsrRejectedException e =
                assertThrows(CsrRejectedException.class, () -> new CsrValidator(TestPki.BC).validate(bomb));
        assertEquals(CsrRejectedException.Problem.MALFORMED, e.problem());
    }

    @Test
    void refusesLengthsThatDoNotFit() {
        assertEquals("truncated DER length", DerLimits.check(new byte[] {0x30}, 4));
        assertEquals("DER element longer than what encloses it", DerLimits.check(new byte[] {0x30, 0x03, 0x02}, 4));
        assertEquals(
                "DER element longer than what encloses it",
                DerLimits.check(new byte[] {0x30, 0x04, 0x04, 0x05, 0x00, 0x00}, 4));
        assertEquals("malformed DER length", DerLimits.check(new byte[] {0x04, (byte) 0x85, 1, 0, 0, 0, 0}, 4));
        assertEquals(
                "DER element longer than what encloses it",
                DerLimits.check(new byte[] {0x04, (byte) 0x84, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, 4));
        assertEquals("indefinite length is not DER", DerLimits.check(new byte[] {0x30, (byte) 0x80, 0, 0}, 4));
        assertEquals(
                "malformed DER tag",
                DerLimits.check(new byte[] {0x1f, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, 0x01, 0x00}, 4));
    }

    @Test
    void refusesTrailingData() {
        assertEquals("must be exactly one DER structure", DerLimits.check(new byte[] {0x05, 0x00, 0x05, 0x00}, 4));
        assertEquals("empty", DerLimits.check(new byte[0], 4));
    }

    /** {@code levels} SEQUENCEs inside each other around a NULL, with minimal lengths. */
    static byte[] nested(int levels) {
        byte[] inner = {0x05, 0x00};
        for (int i = 0; i < levels; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0x30);
            int n = inner.length;
            if (n < 0x80) {
                out.write(n);
            } else if (n < 0x100) {
                out.write(0x81);
                out.write(n);
            } else {
                out.write(0x82);
                out.write(n >> 8);
                out.write(n & 0xff);
            }
            out.writeBytes(inner);
            inner = out.toByteArray();
        }
        return inner;
    }
}
