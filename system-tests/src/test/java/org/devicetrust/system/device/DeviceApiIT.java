package org.devicetrust.system.device;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.devicetrust.system.device.DeviceCredentials.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device API over real mutual TLS against the EAR on Payara Server, with three independent clients:
 * Java's HTTP client with a key store, curl with --cert/--key, and openssl s_client.
 */
class DeviceApiIT {

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ the good path

    @Test
    void sessionAnswersAuthOkToJavaCurlAndOpenssl() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "session");

        HttpResponse<String> text = get(device.client(), "/api/v1/device/session", "text/plain");
        assertEquals(200, text.statusCode(), text.body());
        assertEquals("AUTH OK " + device.deviceId(), text.body().strip());

        HttpResponse<String> asJson = get(device.client(), "/api/v1/device/session", "application/json");
        assertEquals(200, asJson.statusCode(), asJson.body());
        JsonObject session = json(asJson.body());
        assertEquals(device.deviceId(), session.getString("deviceId"));
        assertEquals(device.serial(), session.getString("serial"));
        assertTrue(Instant.parse(session.getString("notAfter")).isAfter(Instant.now()));

        Run curl = curl(device, "/api/v1/device/session");
        assertEquals(0, curl.exitCode(), curl.output());
        assertTrue(curl.output().contains("AUTH OK " + device.deviceId()), curl.output());
        assertTrue(curl.output().strip().endsWith("200"), curl.output());

        Run openssl = sClient(device, "/api/v1/device/session", "-tls1_3");
        assertTrue(openssl.output().contains("AUTH OK " + device.deviceId()), openssl.output());
        Run openssl12 = sClient(device, "/api/v1/device/session", "-tls1_2");
        assertTrue(openssl12.output().contains("AUTH OK " + device.deviceId()), openssl12.output());
    }

    @Test
    void deviceWithoutAnOpenUpdateIsToldWhenToPollAgain() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "poll");
        HttpResponse<String> poll = get(device.client(), "/api/v1/device/update", "application/vnd.devicetrust.offer");
        assertEquals(204, poll.statusCode(), poll.body());
        assertEquals("3600", poll.headers().firstValue("Retry-After").orElse(null));
        assertEquals("", poll.body());
    }

    @Test
    void deviceReadsItsOwnRecordAndStoresTelemetry() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "telemetry");
        HttpClient client = device.client();

        HttpResponse<String> record = get(client, "/api/v1/devices/" + device.deviceId(), "application/json");
        assertEquals(200, record.statusCode(), record.body());
        assertEquals(device.deviceId(), json(record.body()).getString("id"));
        assertEquals("ACTIVE", json(record.body()).getString("status"));

        HttpResponse<String> stored = post(
                client,
                device.deviceId(),
                "application/json",
                "{\"temperature\": 21.5, \"uptime\": 3600, \"fw\": \"1.2.0\"}");
        assertEquals(201, stored.statusCode(), stored.body());
        assertTrue(stored.headers().firstValue("Location").orElse("").contains("/telemetry/"));
        assertEquals(1, telemetryCount(client, device.deviceId()));
    }

    // ------------------------------------------------------------------ refused at the TLS handshake

    @Test
    void noClientCertificateIsRefusedAtHandshake() {
        Run curl = run(
                dir,
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                SERVER.rootCaPem().toString(),
                SERVER.device("/api/v1/device/session").toString());
        assertNotEquals(0, curl.exitCode(), curl.output());
        assertFalse(curl.output().contains("AUTH OK"), curl.output());

        HttpClient anonymous = HttpClient.newBuilder()
                .sslContext(SERVER.trustingRoot())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        assertThrows(
                IOException.class,
                () -> anonymous.send(
                        HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void selfSignedCertificateIsRefusedAtHandshake() throws Exception {
        String id = SERVER.registerDevice(DeviceCredentials.uniqueId("selfsigned"), "self-signed");
        assertRefusedAtHandshake(DeviceCredentials.selfSigned(dir, id));
    }

    @Test
    void rogueCaWithOurCaNameIsRefusedAtHandshake() throws Exception {
        String id = SERVER.registerDevice(DeviceCredentials.uniqueId("rogue"), "rogue CA");
        assertRefusedAtHandshake(DeviceCredentials.rogueCa(dir, id));
    }

    /**
     * An expired certificate from our own Device CA: the listener's trust manager already refuses it at the
     * handshake, so it never reaches the application (whose own expiry check is unit-tested and also covers
     * a certificate that expires while a connection stays open).
     */
    @Test
    void expiredCertificateIsRefused() throws Exception {
        String id = SERVER.registerDevice(DeviceCredentials.uniqueId("expired"), "expired certificate");
        Credential expired = DeviceCredentials.fromDeviceCa(
                dir,
                "expired",
                id,
                Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_clientAuth);
        assertRefused(expired);
    }

    @Test
    void tls11AndNonAeadSuitesAreRefusedAtHandshake() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "protocol");
        Run tls11 = sClient(device, "/api/v1/device/session", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertFalse(tls11.output().contains("AUTH OK"), tls11.output());
        assertHandshakeFailed(tls11);

        for (String suite :
                List.of("ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384")) {
            Run cbc = sClient(device, "/api/v1/device/session", "-tls1_2", "-cipher", suite);
            assertFalse(cbc.output().contains("AUTH OK"), suite + ": " + cbc.output());
            assertHandshakeFailed(cbc);
        }
        Run aead = sClient(device, "/api/v1/device/session", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        assertTrue(aead.output().contains("AUTH OK"), aead.output());
    }

    // ------------------------------------------------------------------ refused by the application

    @Test
    void revokedCertificateIsRefusedOnNextRequest() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "revoked");
        HttpClient client = device.client(); // keeps its connection open across the revocation
        assertEquals(200, get(client, "/api/v1/device/session", "text/plain").statusCode());

        HttpResponse<String> revoked = DeviceCredentials.revoke(device.serial());
        long revokeReturned = System.nanoTime();
        assertEquals(200, revoked.statusCode(), revoked.body());

        HttpResponse<String> next = get(client, "/api/v1/device/session", "text/plain");
        long refusedAfterMillis = (System.nanoTime() - revokeReturned) / 1_000_000;
        assertProblem(next, 401, "certificate-revoked");
        assertProblem(get(client, "/api/v1/device/update", "*/*"), 401, "certificate-revoked");
        System.out.println("revocation took effect on the next request, " + refusedAfterMillis
                + " ms after the revoke call returned (same TLS connection)");

        Run curl = curl(device, "/api/v1/device/session"); // and on a fresh connection
        assertTrue(curl.output().contains("certificate-revoked"), curl.output());
        assertTrue(curl.output().strip().endsWith("401"), curl.output());
    }

    @Test
    void suspendedAndDecommissionedDevicesAreForbidden() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "lifecycle");
        HttpClient client = device.client();
        assertEquals(200, get(client, "/api/v1/device/session", "text/plain").statusCode());

        assertEquals(
                200,
                DeviceCredentials.changeStatus(device.deviceId(), "SUSPENDED").statusCode());
        assertProblem(get(client, "/api/v1/device/session", "text/plain"), 403, "device-suspended");
        assertProblem(get(client, "/api/v1/devices/" + device.deviceId(), "application/json"), 403, "device-suspended");
        assertProblem(get(client, "/api/v1/device/update", "*/*"), 403, "device-suspended");

        assertEquals(
                200, DeviceCredentials.changeStatus(device.deviceId(), "ACTIVE").statusCode());
        assertEquals(200, get(client, "/api/v1/device/session", "text/plain").statusCode());

        assertEquals(
                200,
                DeviceCredentials.changeStatus(device.deviceId(), "DECOMMISSIONED")
                        .statusCode());
        assertProblem(get(client, "/api/v1/device/session", "text/plain"), 403, "device-decommissioned");
        assertProblem(post(client, device.deviceId(), "application/json", "{\"a\":1}"), 403, "device-decommissioned");
    }

    @Test
    void deviceCannotActOnAnotherDevicesResources() throws Exception {
        Credential a = DeviceCredentials.registeredDevice(dir, "owner-a");
        Credential b = DeviceCredentials.registeredDevice(dir, "owner-b");
        HttpClient asA = a.client();
        assertProblem(get(asA, "/api/v1/devices/" + b.deviceId(), "application/json"), 403, "device-mismatch");
        assertProblem(post(asA, b.deviceId(), "application/json", "{\"spoofed\":true}"), 403, "device-mismatch");
        assertProblem(
                get(asA, "/api/v1/devices/" + b.deviceId() + "/telemetry", "application/json"), 403, "device-mismatch");
        assertEquals(0, telemetryCount(b.client(), b.deviceId()));
        Run curl = curl(a, "/api/v1/devices/" + b.deviceId());
        assertTrue(curl.output().strip().endsWith("403"), curl.output());
    }

    @Test
    void oversizedAndMalformedTelemetryIsRefusedAndNothingStored() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "badtelemetry");
        HttpClient client = device.client();
        String id = device.deviceId();

        String oversized = "{\"pad\":\"" + "x".repeat(8 * 1024) + "\"}";
        assertProblem(post(client, id, "application/json", oversized), 413, "telemetry-too-large");
        assertProblem(post(client, id, "application/json", "{\"unterminated\": "), 400, "telemetry-invalid");
        assertProblem(post(client, id, "application/json", "[1, 2, 3]"), 400, "telemetry-invalid");
        assertProblem(post(client, id, "application/json", "{\"a\":1} trailing"), 400, "telemetry-invalid");
        assertProblem(post(client, id, "application/json", "[".repeat(40) + "]".repeat(40)), 400, "telemetry-invalid");
        assertProblem(post(client, id, "application/json", ""), 400, "telemetry-invalid");
        HttpResponse<String> wrongType = post(client, id, "text/plain", "{\"a\":1}");
        assertEquals(415, wrongType.statusCode(), wrongType.body());
        HttpResponse<String> huge = post(client, id, "application/json", "{\"p\":\"" + "y".repeat(200_000) + "\"}");
        assertTrue(huge.statusCode() == 413, huge.statusCode() + " " + huge.body());

        assertEquals(0, telemetryCount(client, id));
    }

    @Test
    void certificateWithoutClientAuthIsRefused() throws Exception {
        String id = SERVER.registerDevice(DeviceCredentials.uniqueId("noeku"), "no clientAuth");
        Instant now = Instant.now();
        Credential noEku = DeviceCredentials.fromDeviceCa(
                dir, "noeku", id, now.minusSeconds(60), now.plus(Duration.ofDays(1)), null);
        Run curl = curl(noEku, "/api/v1/device/session");
        assertFalse(curl.output().contains("AUTH OK"), curl.output());
        assertTrue(curl.output().contains("certificate-not-for-client-auth") || curl.exitCode() != 0, curl.output());

        Credential serverOnly = DeviceCredentials.fromDeviceCa(
                dir,
                "serverauth",
                id,
                now.minusSeconds(60),
                now.plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_serverAuth);
        assertRefused(serverOnly);
    }

    @Test
    void everyDecisionIsCountedAndAudited() throws Exception {
        JsonObject before = metrics();
        Credential a = DeviceCredentials.registeredDevice(dir, "counted-a");
        Credential b = DeviceCredentials.registeredDevice(dir, "counted-b");
        assertEquals(
                200, get(a.client(), "/api/v1/device/session", "text/plain").statusCode());
        assertEquals(
                403,
                get(a.client(), "/api/v1/devices/" + b.deviceId(), "application/json")
                        .statusCode());
        JsonObject after = metrics();
        assertTrue(count(after, "allowed") >= count(before, "allowed") + 1, after.toString());
        assertTrue(count(after, "device-mismatch") >= count(before, "device-mismatch") + 1, after.toString());
        assertTrue(after.getJsonObject("authorization").getInt("samples") > 0, after.toString());

        HttpResponse<String> audit = SERVER.admin("POST", "/api/v1/admin/audit/verification", null, null);
        assertEquals(200, audit.statusCode(), audit.body());
        assertTrue(json(audit.body()).getBoolean("intact"), audit.body());
    }

    @Test
    void theOpenApiDescriptionStillListsTheDeviceApi() {
        HttpResponse<String> openapi = SERVER.get(SERVER.https("/openapi"));
        assertEquals(200, openapi.statusCode(), openapi.body());
        for (String expected : List.of(
                "/api/v1/device/session:",
                "/api/v1/devices/{id}:",
                "/api/v1/devices/{id}/telemetry:",
                "operationId: postTelemetry",
                "TelemetryListResponse:",
                "/api/v1/admin/devices")) {
            assertTrue(openapi.body().contains(expected), expected + " in " + openapi.body());
        }
    }

    /**
     * The audit rule: every refusal and the first allowed request of a TLS session are chained; the session's
     * later allowed requests are counted (decision counters and the hourly counts), not chained.
     */
    @Test
    void aTlsSessionLeavesOneChainRecordAndEveryRequestIsCounted() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "audit-rule");
        HttpClient client = device.client(); // one client keeps one connection, so one TLS session
        long allowedBefore = count(metrics(), "allowed");
        long hourlyBefore = hourlyAllowed();
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    200, get(client, "/api/v1/device/session", "text/plain").statusCode());
        }
        assertEquals(
                403,
                get(client, "/api/v1/devices/not-" + device.deviceId(), "application/json")
                        .statusCode());
        assertEquals(1, chained(device.deviceId(), "SUCCESS"), "one record for the session's first request");
        assertEquals(1, chained("not-" + device.deviceId(), "FAILURE"), "every refusal is chained");
        assertTrue(count(metrics(), "allowed") >= allowedBefore + 5, "every allowed request is counted");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (hourlyAllowed() < hourlyBefore + 5 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertTrue(hourlyAllowed() >= hourlyBefore + 5, "the hourly counts include the counted requests");
    }

    private static long chained(String subject, String outcome) throws Exception {
        try (Connection c = DeviceTrustServer.database();
                PreparedStatement s = c.prepareStatement(
                        "SELECT COUNT(*) FROM audit_record WHERE action = 'DEVICE_ACCESS' AND subject = ? AND outcome = ?")) {
            s.setString(1, subject);
            s.setString(2, outcome);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static long hourlyAllowed() throws Exception {
        try (Connection c = DeviceTrustServer.database();
                PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(allowed), 0) FROM device_access_hour");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JsonObject metrics() {
        HttpResponse<String> r = SERVER.admin("GET", "/api/v1/admin/device-access/metrics", null, null);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body());
    }

    private static long count(JsonObject metrics, String type) {
        return metrics.getJsonObject("decisions").getJsonNumber(type).longValue();
    }

    private void assertRefused(Credential credential) {
        Run curl = curl(credential, "/api/v1/device/session");
        assertFalse(curl.output().contains("AUTH OK"), curl.output());
        assertTrue(curl.exitCode() != 0 || curl.output().strip().endsWith("401"), curl.output());
    }

    private void assertRefusedAtHandshake(Credential credential) throws Exception {
        Run curl = curl(credential, "/api/v1/device/session");
        assertNotEquals(0, curl.exitCode(), "curl must fail in the TLS handshake: " + curl.output());
        assertFalse(curl.output().contains("AUTH OK"), curl.output());
        Run openssl = sClient(credential, "/api/v1/device/session", "-tls1_3");
        assertFalse(openssl.output().contains("AUTH OK"), openssl.output());
        // TLS 1.3 sends the client certificate after the server's Finished: the server then closes with an
        // alert or without one, and no application data ever comes back
        assertTrue(openssl.output().contains("alert") || openssl.output().contains("unexpected eof"), openssl.output());
        HttpClient java = credential.client();
        assertThrows(
                IOException.class,
                () -> java.send(
                        HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    /** openssl s_client: no cipher was agreed (the server closed or alerted during the handshake). */
    private static void assertHandshakeFailed(Run openssl) {
        assertTrue(
                openssl.output().contains("Cipher is (NONE)")
                        || openssl.output().contains("no peer certificate")
                        || openssl.output().contains("handshake failure"),
                openssl.output());
        assertFalse(openssl.output().contains("HTTP/1.1"), openssl.output());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().toString());
        assertEquals("urn:devicetrust:problem:" + type, json(response.body()).getString("type"), response.body());
    }

    private static HttpResponse<String> get(HttpClient client, String path, String accept) throws Exception {
        return client.send(
                HttpRequest.newBuilder(SERVER.device(path))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient client, String deviceId, String contentType, String body)
            throws Exception {
        return client.send(
                HttpRequest.newBuilder(SERVER.device("/api/v1/devices/" + deviceId + "/telemetry"))
                        .header("Content-Type", contentType)
                        .header("Accept", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long telemetryCount(HttpClient client, String deviceId) throws Exception {
        HttpResponse<String> r = get(client, "/api/v1/devices/" + deviceId + "/telemetry", "application/json");
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body()).getJsonNumber("total").longValue();
    }

    private Run curl(Credential credential, String path) {
        return run(
                dir,
                "curl",
                "-sS",
                "--max-time",
                "20",
                "--cacert",
                SERVER.rootCaPem().toString(),
                "--cert",
                credential.cert().toString(),
                "--key",
                credential.key().toString(),
                "-w",
                "\n%{http_code}",
                SERVER.device(path).toString());
    }

    private Run sClient(Credential credential, String path, String... options) {
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "localhost:" + SERVER.devicePort,
                "-servername",
                "localhost",
                "-CAfile",
                SERVER.rootCaPem().toString(),
                "-cert",
                credential.cert().toString(),
                "-key",
                credential.key().toString(),
                "-ign_eof"));
        command.addAll(List.of(options));
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n"
                        + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return run(dir, request, command.toArray(String[]::new));
    }
}
