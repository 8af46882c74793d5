package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * Hostile bytes into the telemetry check that stands between a device's body and the database. Each input is
 * either refused with {@link TelemetryDocument.Invalid} or accepted as a compact JSON object that fits the size
 * limit, keeps its meaning when parsed again, and is its own compact form. Anything else is a finding.
 */
class TelemetryDocumentFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void refusedOrStoredAsACompactObjectThatFits(byte[] input) throws Exception {
        String stored;
        try {
            stored = TelemetryDocument.parse(input);
        } catch (TelemetryDocument.Invalid e) {
            assertNotNull(e.getMessage());
            return;
        }
        byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length <= TelemetryDocument.MAX_BYTES, "stored form fits the limit");
        assertEquals(stored, TelemetryDocument.parse(bytes), "the stored form is its own compact form");
        try (var reader = Json.createReader(new StringReader(stored))) {
            assertEquals(Json.createReader(new ByteArrayInputStream(input)).readObject(), reader.readObject());
        }
    }
}
