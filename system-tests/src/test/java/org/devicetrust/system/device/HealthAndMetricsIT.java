package org.devicetrust.system.device;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.device.DeviceCredentials.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator wires into monitoring: MicroProfile Health readiness and liveness on the public HTTP port, and
 * the application's MicroProfile Metrics (Prometheus text) moving with real issuance and device requests.
 */
class HealthAndMetricsIT {

    @TempDir
    Path dir;

    @Test
    void readinessNamesEachDependencyAndIsUpOnAHealthyServer() {
        HttpResponse<String> ready = SERVER.get(SERVER.http("/health/ready"));
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject body = json(ready.body());
        assertEquals("UP", body.getString("status"), ready.body());
        Map<String, JsonObject> checks = checks(body);
        for (String name : new String[] {"database", "device-ca-key", "crl", "authorization-view"}) {
            assertTrue(checks.containsKey(name), name + " is checked: " + ready.body());
            assertEquals("UP", checks.get(name).getString("status"), ready.body());
        }
        JsonObject crl = checks.get("crl").getJsonObject("data");
        assertTrue(number(crl, "number") >= 1, ready.body());
        assertTrue(number(checks.get("device-ca-key").getJsonObject("data"), "signMicros") > 0, ready.body());
        assertFalse(ready.body().toLowerCase().contains("password"), ready.body());

        HttpResponse<String> live = SERVER.get(SERVER.http("/health/live"));
        assertEquals(200, live.statusCode(), live.body());
        assertEquals("UP", json(live.body()).getString("status"));
        assertTrue(checks(json(live.body())).containsKey("threads"), live.body());
    }

    @Test
    void metricsCountIssuanceAndDeviceDecisionsAsTheyHappen() throws Exception {
        String before = metrics();
        double issued = value(
                        before, "devicetrust_audit_records", "action=\"certificate_issued\"", "outcome=\"success\"")
                .orElseThrow(() -> new AssertionError("no issuance counter in\n" + before));
        double allowed = value(before, "devicetrust_device_decisions", "reason=\"allowed\"")
                .orElseThrow(() -> new AssertionError("no decision counter in\n" + before));
        assertTrue(value(before, "devicetrust_crl_number").orElseThrow() >= 1, before);
        assertTrue(value(before, "devicetrust_crl_age_seconds").orElseThrow() >= 0, before);
        assertEquals(1.0, value(before, "devicetrust_authorization_view_fresh").orElseThrow(), before);

        Credential device = DeviceCredentials.registeredDevice(dir, "metrics");
        HttpResponse<String> session = device.client()
                .send(
                        HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, session.statusCode(), session.body());

        String after = metrics();
        assertTrue(
                value(after, "devicetrust_audit_records", "action=\"certificate_issued\"", "outcome=\"success\"")
                                .orElseThrow()
                        >= issued + 1,
                "the issuance is counted: " + issued + " before\n" + after);
        assertTrue(
                value(after, "devicetrust_device_decisions", "reason=\"allowed\"")
                                .orElseThrow()
                        >= allowed + 1,
                "the allowed request is counted: " + allowed + " before\n" + after);
        assertTrue(value(after, "devicetrust_authorization_view_certificates").orElseThrow() >= 1, after);
    }

    private static String metrics() {
        HttpResponse<String> metrics = SERVER.get(SERVER.http("/metrics"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body();
    }

    /** The value of the first Prometheus sample of that name whose labels contain every given label. */
    static OptionalDouble value(String prometheus, String name, String... labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(prometheus);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return OptionalDouble.of(Double.parseDouble(m.group(2)));
            }
        }
        return OptionalDouble.empty();
    }

    /** A check's data value: the server writes numbers as JSON strings. */
    static long number(JsonObject data, String name) {
        var value = data.get(name);
        return value instanceof JsonNumber n ? n.longValue() : Long.parseLong(data.getString(name));
    }

    static Map<String, JsonObject> checks(JsonObject health) {
        Map<String, JsonObject> byName = new HashMap<>();
        health.getJsonArray("checks").getValuesAs(JsonObject.class).forEach(c -> byName.put(c.getString("name"), c));
        return byName;
    }
}
