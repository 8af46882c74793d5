package org.devicetrust.enrollment.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class EnrollmentTokensTest {

    @Test
    void aTokenIs32RandomBytesInUrlSafeBase64() {
        SecureRandom random = new SecureRandom();
        String token = EnrollmentTokens.generate(random);
        assertEquals(43, token.length());
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
        assertNotEquals(token, EnrollmentTokens.generate(random));
    }

    @Test
    void theStoredDigestIsLowerCaseHexSha256() {
        // SHA-256("abc"), FIPS 180-2 example
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", EnrollmentTokens.sha256Hex("abc"));
    }

    @Test
    void onlyTheRightTokenMatchesItsDigest() {
        String stored = EnrollmentTokens.sha256Hex("the-token");
        assertTrue(EnrollmentTokens.matches("the-token", stored));
        assertFalse(EnrollmentTokens.matches("the-tokeN", stored));
        assertFalse(EnrollmentTokens.matches("", stored));
        assertFalse(EnrollmentTokens.matches(null, stored));
        assertFalse(EnrollmentTokens.matches("the-token", null));
        assertFalse(EnrollmentTokens.matches("the-token", "not hex at all, but sixty-four characters long ......."));
        assertFalse(EnrollmentTokens.matches(
                "x".repeat(EnrollmentTokens.MAX_TOKEN_LENGTH + 1),
                EnrollmentTokens.sha256Hex("x".repeat(EnrollmentTokens.MAX_TOKEN_LENGTH + 1))));
    }
}
