package org.devicetrust.system.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The firmware release and rollout admin API over real TLS, against the EAR on Payara Server. */
class FirmwareAdminApiIT {

    static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    static final String RELEASES = "/api/v1/admin/firmware/releases";
    static final String PROBLEM = "urn:devicetrust:problem:";

    private final HttpClient client = HttpClient.newBuilder()
            .sslContext(SERVER.trustingRoot())
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private HttpResponse<String> upload(String query, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(SERVER.https(RELEASES + query))
                .timeout(Duration.ofSeconds(60))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                ("admin:" + SERVER.adminPassword).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return DeviceTrustServer.send(client, request);
    }

    static byte[] payload(int size, String salt) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (i * 7 + salt.charAt(i % salt.length()));
        }
        return p;
    }

    static void problem(HttpResponse<String> r, int status, String type) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals(PROBLEM + type, DeviceTrustServer.json(r.body()).getString("type"), r.body());
    }

    @Test
    void aReleaseIsSignedApprovedByASecondAdministratorRolledOutAndRevoked() throws Exception {
        String build = "st-" + UUID.randomUUID().toString().substring(0, 8);
        JsonObject list =
                DeviceTrustServer.json(SERVER.admin("GET", RELEASES, null, null).body());
        int securityVersion = Math.max(0, list.getInt("highestApprovedSecurityVersion")) + 1;
        // 200 KB: larger than the API's usual 64 KiB body limit, as a device app is
        HttpResponse<String> created = upload(
                "?version=5&securityVersion=" + securityVersion + "&loadAddress=0x80200000&buildId=" + build,
                "application/octet-stream",
                payload(200_000, build));
        assertEquals(201, created.statusCode(), created.body());
        JsonObject release = DeviceTrustServer.json(created.body());
        long id = release.getJsonNumber("id").longValue();
        assertEquals("SIGNED", release.getString("state"));
        assertEquals(0, release.getInt("keySlot"));
        assertTrue(release.getBoolean("raisesSecurityVersion"));
        assertTrue(created.headers().firstValue("Location").orElse("").endsWith(RELEASES + "/" + id));

        problem(SERVER.admin("POST", RELEASES + "/" + id + "/approval", null, null), 403, "approval-by-uploader");
        problem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/rollouts",
                        "application/json",
                        Json.createObjectBuilder()
                                .add("releaseId", id)
                                .add("deviceIds", Json.createArrayBuilder().add("st-nobody"))
                                .build()
                                .toString()),
                409,
                "release-not-approved");
        try (Connection db = DeviceTrustServer.database();
                PreparedStatement s = db.prepareStatement("UPDATE firmware_release SET uploaded_by = ? WHERE id = ?")) {
            s.setString(1, "another-admin"); // as if another administrator had uploaded it
            s.setLong(2, id);
            assertEquals(1, s.executeUpdate());
        }
        HttpResponse<String> approved = SERVER.admin("POST", RELEASES + "/" + id + "/approval", null, null);
        assertEquals(200, approved.statusCode(), approved.body());
        assertEquals("APPROVED", DeviceTrustServer.json(approved.body()).getString("state"));
        JsonObject after =
                DeviceTrustServer.json(SERVER.admin("GET", RELEASES, null, null).body());
        assertEquals(securityVersion, after.getInt("highestApprovedSecurityVersion"));
        assertEquals(64 - securityVersion, after.getInt("remainingSecurityVersions"));

        String device = SERVER.registerDevice(build + "-d0", "st firmware");
        HttpResponse<String> rollout = SERVER.admin(
                "POST",
                "/api/v1/admin/rollouts",
                "application/json",
                Json.createObjectBuilder()
                        .add("releaseId", id)
                        .add("deviceIds", Json.createArrayBuilder().add(device))
                        .add("groups", Json.createArrayBuilder().add(100))
                        .add("error", Json.createObjectBuilder().add("pct", 50).add("minExecuted", 1))
                        .build()
                        .toString());
        assertEquals(201, rollout.statusCode(), rollout.body());
        long rolloutId =
                DeviceTrustServer.json(rollout.body()).getJsonNumber("id").longValue();
        String base = "/api/v1/admin/rollouts/" + rolloutId;
        assertEquals("RUNNING", state(SERVER.admin("POST", base + "/start", null, null)));
        assertEquals("PAUSED", state(SERVER.admin("POST", base + "/pause", null, null)));
        problem(SERVER.admin("POST", base + "/pause", null, null), 409, "rollout-state-invalid");
        assertEquals("RUNNING", state(SERVER.admin("POST", base + "/resume", null, null)));
        HttpResponse<String> stopped = SERVER.admin("POST", base + "/stop", null, null);
        assertEquals("STOPPED", state(stopped));
        assertEquals(
                1,
                DeviceTrustServer.json(stopped.body()).getJsonObject("counters").getInt("canceled"));
        problem(SERVER.admin("GET", "/api/v1/admin/rollouts/999999999", null, null), 404, "rollout-unknown");

        HttpResponse<String> revoked = SERVER.admin("POST", RELEASES + "/" + id + "/revocation", null, null);
        assertEquals("REVOKED", DeviceTrustServer.json(revoked.body()).getString("state"));
        problem(SERVER.admin("POST", RELEASES + "/" + id + "/revocation", null, null), 409, "release-state-invalid");
    }

    @Test
    void badUploadsAreRefusedWithTheirProblem() {
        problem(
                upload("", "application/vnd.devicetrust.firmware-image", new byte[400]),
                400,
                "firmware-image-malformed");
        problem(
                upload(
                        "?version=1&securityVersion=65&loadAddress=0x80200000",
                        "application/octet-stream",
                        payload(100, "x")),
                400,
                "security-version-invalid");
        problem(
                upload(
                        "?version=1&securityVersion=0&loadAddress=0x80200000&type=bootloader",
                        "application/octet-stream",
                        payload(100, "x")),
                400,
                "firmware-image-type-unsupported");
        problem(upload("?version=1", "application/octet-stream", payload(100, "x")), 400, "invalid-request");
        problem(SERVER.admin("GET", RELEASES + "/999999999", null, null), 404, "release-unknown");
    }

    /** curl, since it reads the early 413 while it is still sending (the JDK client fails with EOF then). */
    @Test
    void anImageLargerThanAnAppSlotIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("big.img"), new byte[0x400001]);
        DeviceTrustServer.Run r = DeviceTrustServer.run(
                dir,
                "curl",
                "-sS",
                "--max-time",
                "30",
                "--cacert",
                SERVER.rootCaPem().toString(),
                "-u",
                "admin:" + SERVER.adminPassword,
                "-H",
                "Content-Type: application/vnd.devicetrust.firmware-image",
                "--data-binary",
                "@big.img",
                "-w",
                "\n%{http_code}",
                SERVER.https(RELEASES).toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().strip().endsWith("413"), r.output());
        assertTrue(r.output().contains(PROBLEM + "body-too-large"), r.output());
        assertTrue(r.output().contains("4194304 bytes"), "the upload's own limit: " + r.output());
    }

    private static String state(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return DeviceTrustServer.json(r.body()).getString("state");
    }
}
