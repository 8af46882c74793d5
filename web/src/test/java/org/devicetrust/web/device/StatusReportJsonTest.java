package org.devicetrust.web.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.devicetrust.firmware.boundary.DeviceUpdates.StatusReport;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;
import org.junit.jupiter.api.Test;

class StatusReportJsonTest {

    static final String GOOD = "{\"seq\":1,\"state\":\"DOWNLOADING\",\"offset\":4096,\"code\":-3,"
            + "\"runningVersion\":4294967295,\"buildId\":\"device-3\",\"efuseSv\":2}";

    static StatusReport parse(String json) {
        return StatusReportJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theContractsReportIsRead() {
        assertEquals(new StatusReport(1, "DOWNLOADING", 4096, -3, 4294967295L, "device-3", 2), parse(GOOD));
        assertEquals(
                new StatusReport(9, "SUCCEEDED", 0, 0, 4, "", 0),
                parse(" { \"efuseSv\" : 0, \"buildId\":\"\", \"runningVersion\":4, \"code\":0, \"offset\":0,"
                        + " \"state\":\"SUCCEEDED\", \"seq\":9 } "));
    }

    @Test
    void anythingElseIsJsonInvalid() {
        for (String bad : List.of(
                "",
                "[]",
                "1",
                "{",
                "{\"x\":[",
                GOOD.replace("}", ""),
                GOOD + "{}",
                GOOD.replace("\"seq\":1,", ""),
                GOOD.replace("\"efuseSv\":2", "\"efuseSv\":2,\"extra\":1"),
                GOOD.replace("\"efuseSv\":2", "\"efuseSv\":2,\"seq\":2"),
                GOOD.replace("\"seq\":1", "\"seq\":\"1\""),
                GOOD.replace("\"seq\":1", "\"seq\":1.5"),
                GOOD.replace("\"seq\":1", "\"seq\":1e3"),
                GOOD.replace("\"seq\":1", "\"seq\":99999999999999999999"),
                GOOD.replace("\"seq\":1", "\"seq\":null"),
                GOOD.replace("\"code\":-3", "\"code\":2147483648"),
                GOOD.replace("\"state\":\"DOWNLOADING\"", "\"state\":7"),
                GOOD.replace("\"state\":\"DOWNLOADING\"", "\"state\":[\"DOWNLOADING\"]"),
                GOOD.replace("\"buildId\":\"device-3\"", "\"buildId\":{\"a\":1}"),
                "[".repeat(5000))) {
            InvalidRequest refused = assertThrows(InvalidRequest.class, () -> parse(bad), bad);
            assertEquals(ProblemType.JSON_INVALID, refused.problem(), bad);
        }
        InvalidRequest notUtf8 =
                assertThrows(InvalidRequest.class, () -> StatusReportJson.parse(new byte[] {'{', (byte) 0xff, '}'}));
        assertEquals(ProblemType.JSON_INVALID, notUtf8.problem());
    }
}
