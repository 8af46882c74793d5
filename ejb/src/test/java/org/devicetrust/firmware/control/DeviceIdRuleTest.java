package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.Test;

/**
 * One device-id rule for server and firmware: DeviceId.isValid agrees with every line of
 * firmware/test/vectors/device-ids.txt, which the firmware's host test reads as well.
 */
class DeviceIdRuleTest {

    static final Path IDS = FirmwareVectorsTest.VECTORS.resolve("device-ids.txt");

    @Test
    void serverRuleMatchesTheSharedVectors() throws IOException {
        assumeTrue(Files.exists(IDS), "firmware sources not beside the ejb module");
        int valid = 0;
        int invalid = 0;
        for (String line : Files.readAllLines(IDS, StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String verdict = line.substring(0, colon);
            String id = line.substring(colon + 1);
            assertTrue(verdict.equals("valid") || verdict.equals("invalid"), line);
            boolean expected = verdict.equals("valid");
            assertEquals(expected, DeviceId.isValid(id), "device id \"" + id + "\"");
            if (expected) {
                valid++;
            } else {
                invalid++;
            }
        }
        assertTrue(valid >= 5 && invalid >= 5, "vectors cover both verdicts");
    }
}
