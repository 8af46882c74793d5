package org.devicetrust.web.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonShapeTest {

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":\"dev-1\",\"name\":\"x\"}", "{}", "[]", "null", "\"s\"", " 12 ", "{\"a\":[[{}]]}"})
    void acceptsOneValue(String body) {
        assertNull(JsonShape.check(bytes(body)));
    }

    /** Each of these spins Yasson 3.0.4 on Payara's JSON-P forever when the property is unknown. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"x\":[", "{\"x\":[\"a\"", "{\"x\":[[1],2", "{\"x\":{\"a\":[1}", "{\"x\":", "["})
    void refusesTruncatedBodiesAtOnce(String body) {
        assertNotNull(JsonShape.check(bytes(body)));
    }

    @Test
    void refusesTwoValuesAndGarbage() {
        assertNotNull(JsonShape.check(bytes("{\"a\":1}{\"b\":2}")));
        assertNotNull(JsonShape.check(bytes("1 2")));
        assertEquals("malformed JSON", JsonShape.check(bytes("{\"a\" 1}")));
        assertEquals("not UTF-8 (RFC 8259 section 8.1)", JsonShape.check(new byte[] {'"', (byte) 0xc3, 0x28, '"'}));
    }

    @Test
    void refusesNestingBombsWithoutRecursion() {
        assertNull(JsonShape.check(bytes("[".repeat(32) + "]".repeat(32))));
        assertEquals("JSON nested deeper than 32 levels", JsonShape.check(bytes("[".repeat(33) + "]".repeat(33))));
        assertEquals("JSON nested deeper than 32 levels", JsonShape.check(bytes("[".repeat(10_000))));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyBodiesThatJsonBindsAreChecked() {
        assertTrue(BodyReading.boundFromJson(org.devicetrust.web.admin.DeviceRegistrationRequest.class));
        assertFalse(BodyReading.boundFromJson(byte[].class));
        assertFalse(BodyReading.boundFromJson(String.class));
        assertFalse(BodyReading.boundFromJson(java.io.InputStream.class));
        assertFalse(BodyReading.boundFromJson(java.io.ByteArrayInputStream.class));
    }
}
