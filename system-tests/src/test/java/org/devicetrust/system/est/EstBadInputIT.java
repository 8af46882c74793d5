package org.devicetrust.system.est;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile EST bodies get problem details, change nothing, and leave the token usable. */
class EstBadInputIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final String ENROLL = "/.well-known/est/simpleenroll";

    @TempDir
    Path dir;

    private String token(String device) {
        HttpResponse<String> r = SERVER.admin(
                "POST", "/api/v1/admin/enrollment-tokens", "application/json", "{\"deviceId\":\"" + device + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return json(r.body()).getString("token");
    }

    private int certificateCount(String device) {
        HttpResponse<String> r = SERVER.admin("GET", "/api/v1/admin/devices/" + device + "/certificates", null, null);
        assertEquals(200, r.statusCode(), r.body());
        return jakarta.json.Json.createReader(new java.io.StringReader(r.body()))
                .readArray()
                .size();
    }

    @Test
    void deeplyNestedDerCsrGetsProblemDetailsAndTheTokenStillEnrolls() {
        String device = SERVER.registerDevice("est-bad-" + System.nanoTime() % 10_000_000, "EST bad input");
        String token = token(device);
        int depth = 12 * 1024 / 4; // inside the 16 KiB CSR limit once base64 is decoded
        byte[] der = new byte[depth * 4];
        for (int i = 0; i < depth; i++) {
            der[2 * i] = 0x30; // SEQUENCE, indefinite length; the zeros that follow end them
            der[2 * i + 1] = (byte) 0x80;
        }
        HttpResponse<String> deep = SERVER.asUser(
                device,
                token,
                "POST",
                ENROLL,
                "application/pkcs10",
                Base64.getMimeEncoder().encodeToString(der));
        assertTrue(deep.statusCode() == 400 || deep.statusCode() == 500, deep.statusCode() + " " + deep.body());
        assertTrue(
                deep.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                deep.headers().toString());
        assertTrue(json(deep.body()).getString("type").startsWith("urn:devicetrust:problem:"), deep.body());
        assertTrue(!deep.body().contains("StackOverflow"), deep.body());
        assertEquals(0, certificateCount(device));

        String pem = opensslCsr(dir, "good", device);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").strip();
        HttpResponse<String> good = SERVER.asUser(device, token, "POST", ENROLL, "application/pkcs10", base64);
        assertEquals(200, good.statusCode(), good.body());
        assertEquals(1, certificateCount(device));
    }

    @Test
    void bodyThatIsNotBase64IsRefusedWithItsType() {
        String device = SERVER.registerDevice("est-bad-" + System.nanoTime() % 10_000_000, "EST bad input");
        HttpResponse<String> r =
                SERVER.asUser(device, token(device), "POST", ENROLL, "application/pkcs10", "not base64 at all!");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(
                "urn:devicetrust:problem:csr-base64-malformed", json(r.body()).getString("type"));
    }
}
