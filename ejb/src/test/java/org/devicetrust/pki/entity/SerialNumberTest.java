package org.devicetrust.pki.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SerialNumberTest {

    @Test
    void opensslTextWithPrefixColonsAndCaseIsTheSameSerial() {
        assertEquals("abc123", SerialNumber.parse("0xAB:C1:23").hex());
        assertEquals("abc123", SerialNumber.parse(" 00abc123 ").hex());
    }

    @Test
    void textThatIsNotHexSaysSo() {
        assertTrue(assertThrows(SerialNumber.Invalid.class, () -> SerialNumber.parse("not-hex"))
                .getMessage()
                .endsWith("is not a hexadecimal serial number"));
        assertThrows(SerialNumber.Invalid.class, () -> SerialNumber.parse(null));
        assertThrows(SerialNumber.Invalid.class, () -> SerialNumber.parse("0x"));
    }

    @Test
    void zeroAndMoreThan160BitsAreNoSerialOfThisCa() {
        assertTrue(assertThrows(SerialNumber.Invalid.class, () -> SerialNumber.parse("00"))
                .getMessage()
                .startsWith("no certificate with serial"));
        assertThrows(SerialNumber.Invalid.class, () -> SerialNumber.parse("1" + "0".repeat(40)));
        assertEquals(Optional.empty(), SerialNumber.of(BigInteger.ONE.shiftLeft(160)));
        assertEquals(Optional.empty(), SerialNumber.of(BigInteger.valueOf(-5)));
        assertEquals(Optional.empty(), SerialNumber.of(null));
        assertEquals(
                "f".repeat(40),
                SerialNumber.of(BigInteger.ONE.shiftLeft(160).subtract(BigInteger.ONE))
                        .orElseThrow()
                        .hex());
        assertThrows(IllegalArgumentException.class, () -> new SerialNumber(BigInteger.ZERO));
    }
}
