package org.devicetrust.enrollment.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One-time enrollment tokens: 256 random bits, base64url without padding (43 characters, safe in HTTP Basic and
 * in a flash partition). Only the SHA-256 is stored; a random token of that size needs no salt or slow hash.
 */
public final class EnrollmentTokens {

    public static final int TOKEN_BYTES = 32;
    /** Longer presented passwords are not tokens; refusing them early bounds the hashing work. */
    public static final int MAX_TOKEN_LENGTH = 128;

    private EnrollmentTokens() {
    }

    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** Constant-time comparison of the presented token's digest with a stored digest. */
    public static boolean matches(String presented, String storedSha256Hex) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_TOKEN_LENGTH
                || storedSha256Hex == null || storedSha256Hex.length() != 64) {
            return false;
        }
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(storedSha256Hex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), stored);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the Java runtime", e);
        }
    }
}
