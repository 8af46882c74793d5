package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.assertProblem;
import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets a 4xx with problem details that name the problem, and leaves nothing behind. */
class AdminApiBadInputIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;

    @TempDir
    Path dir;

    private String newDevice() {
        return SERVER.registerDevice("bad-input-" + System.nanoTime() % 10_000_000, "bad input");
    }

    private HttpResponse<String> issue(String id, String contentType, String body) {
        return SERVER.admin("POST", "/api/v1/admin/devices/" + id + "/certificates", contentType, body);
    }

    private int certificateCount(String id) {
        HttpResponse<String> r = SERVER.admin("GET", "/api/v1/admin/devices/" + id + "/certificates", null, null);
        assertEquals(200, r.statusCode(), r.body());
        return jakarta.json.Json.createReader(new java.io.StringReader(r.body()))
                .readArray()
                .size();
    }

    @Test
    void malformedCsrIsRefusedAndNothingIsIssued() {
        String id = newDevice();
        assertProblem(
                issue(
                        id,
                        "application/x-pem-file",
                        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"),
                400,
                "csr-malformed");
        assertEquals(0, certificateCount(id));
    }

    @Test
    void csrWhoseSignatureDoesNotMatchItsKeyIsRefused() throws Exception {
        String id = newDevice();
        opensslCsr(dir, "pop", id);
        Run der = run(dir, "openssl", "req", "-in", "pop.csr", "-outform", "DER", "-out", "pop.der");
        assertEquals(0, der.exitCode(), der.output());
        byte[] bytes = Files.readAllBytes(dir.resolve("pop.der"));
        bytes[bytes.length - 5] ^= 0x01; // inside the signature value: proof of possession no longer holds
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(bytes)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        assertProblem(issue(id, "application/x-pem-file", pem), 400, "csr-signature-invalid");
        assertEquals(0, certificateCount(id));
    }

    @Test
    void weakRsaKeyIsRefused() throws Exception {
        String id = newDevice();
        Run r = run(
                dir,
                "openssl",
                "req",
                "-new",
                "-newkey",
                "rsa:1024",
                "-nodes",
                "-keyout",
                "weak.key",
                "-out",
                "weak.csr",
                "-subj",
                "/CN=" + id);
        assertEquals(0, r.exitCode(), r.output());
        assertProblem(
                issue(id, "application/x-pem-file", Files.readString(dir.resolve("weak.csr"))), 400, "key-unsupported");
    }

    @Test
    void csrForUnknownDeviceIsRefused() {
        assertProblem(
                issue("no-such-device-1", "application/x-pem-file", opensslCsr(dir, "u", "no-such-device-1")),
                404,
                "device-unknown");
    }

    @Test
    void csrForSuspendedDeviceIsRefused() {
        String id = newDevice();
        HttpResponse<String> s = SERVER.admin(
                "POST",
                "/api/v1/admin/devices/" + id + "/status",
                "application/json",
                "{\"status\":\"SUSPENDED\",\"reason\":\"test\"}");
        assertEquals(200, s.statusCode(), s.body());
        assertProblem(issue(id, "application/x-pem-file", opensslCsr(dir, "s", id)), 409, "device-not-active");
        assertEquals(0, certificateCount(id));
    }

    @Test
    void unknownSerialCannotBeRevoked() {
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/certificates/0abc123/revocation",
                        "application/json",
                        "{\"reason\":\"keyCompromise\"}"),
                404,
                "serial-unknown");
    }

    @Test
    void duplicateDeviceIdIsRefused() {
        String id = newDevice();
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/devices",
                        "application/json",
                        "{\"id\":\"" + id + "\",\"name\":\"again\"}"),
                409,
                "device-exists");
    }

    @Test
    void invalidDeviceIdIsRefused() {
        assertProblem(
                SERVER.admin(
                        "POST", "/api/v1/admin/devices", "application/json", "{\"id\":\"Bad ID!\",\"name\":\"x\"}"),
                400,
                "device-id-invalid");
    }

    /**
     * A NUL byte (which PostgreSQL cannot store in text) in a device id, sent many times beside well-behaved
     * registrations: each poison request fails alone with a 400, every other request succeeds, and the audit
     * chain, which records the refusals with the id as seen, stays intact.
     */
    @Test
    void aPoisonIdFailsAloneWhileTheRequestsBesideItSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> poison = new ArrayList<>();
            List<Future<HttpResponse<String>>> good = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String bad = "{\"id\":\"ab\\u0000c-" + i + "\",\"name\":\"nul\\u0000name\"}";
                String fine =
                        "{\"id\":\"beside-poison-" + System.nanoTime() % 10_000_000 + "-" + i + "\",\"name\":\"fine\"}";
                poison.add(pool.submit(() -> SERVER.admin("POST", "/api/v1/admin/devices", "application/json", bad)));
                good.add(pool.submit(() -> SERVER.admin("POST", "/api/v1/admin/devices", "application/json", fine)));
            }
            for (Future<HttpResponse<String>> r : poison) {
                assertProblem(r.get(60, TimeUnit.SECONDS), 400, "device-id-invalid");
            }
            for (Future<HttpResponse<String>> r : good) {
                HttpResponse<String> answer = r.get(60, TimeUnit.SECONDS);
                assertEquals(201, answer.statusCode(), answer.body());
            }
        } finally {
            pool.shutdownNow();
        }
        HttpResponse<String> audit = SERVER.admin("POST", "/api/v1/admin/audit/verification", null, null);
        assertEquals(200, audit.statusCode(), audit.body());
        assertTrue(json(audit.body()).getBoolean("intact"), audit.body());
    }

    @Test
    void oversizedBodyIsRefusedOverHttp11AndHttp2() throws Exception {
        String id = newDevice();
        Files.writeString(dir.resolve("huge.pem"), "A".repeat(65 * 1024));
        for (String version : new String[] {"--http1.1", "--http2"}) {
            Run r = run(
                    dir,
                    "curl",
                    "-sS",
                    version,
                    "--max-time",
                    "20",
                    "--cacert",
                    SERVER.rootCaPem().toString(),
                    "-u",
                    "admin:" + SERVER.adminPassword,
                    "-H",
                    "Content-Type: application/x-pem-file",
                    "--data-binary",
                    "@huge.pem",
                    "-w",
                    "\n%{http_code}",
                    SERVER.https("/api/v1/admin/devices/" + id + "/certificates")
                            .toString());
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().strip().endsWith("413"), version + ": " + r.output());
            assertTrue(r.output().contains("urn:devicetrust:problem:body-too-large"), r.output());
        }
        assertEquals(0, certificateCount(id));
    }

    @Test
    void wrongContentTypeIsRefused() {
        String id = newDevice();
        assertProblem(issue(id, "application/json", "{\"csr\":\"x\"}"), 415, "unsupported-media-type");
    }

    @Test
    void truncatedJsonIsRefusedAsJsonInvalid() {
        assertProblem(
                SERVER.admin("POST", "/api/v1/admin/devices", "application/json", "{\"id\":\"truncated-1\",\"name\":"),
                400,
                "json-invalid");
        assertProblem(
                SERVER.admin("POST", "/api/v1/admin/devices", "application/json", "{\"id\":"), 400, "json-invalid");
        assertDeviceAbsent("truncated-1");
    }

    @Test
    void idSentAsAnArrayOrAnObjectIsRefusedAsJsonInvalid() {
        for (String id : new String[] {"[\"array-1\"]", "{\"value\":\"object-1\"}", "[[[]]]"}) {
            HttpResponse<String> r = SERVER.admin(
                    "POST", "/api/v1/admin/devices", "application/json", "{\"id\":" + id + ",\"name\":\"x\"}");
            assertProblem(r, 400, "json-invalid");
            assertTrue(!r.body().contains("org.devicetrust"), "no class names to the client: " + r.body());
        }
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/revocations",
                        "application/json",
                        "{\"serials\":{\"a\":1},\"reason\":\"keyCompromise\"}"),
                400,
                "json-invalid");
    }

    /**
     * JSON-B (Yasson on Payara's JSON-P) skips a property the request type does not have; when that property's
     * array is cut off, the skip never ends and the request thread spins for good. The body's shape is checked
     * first, so each of these is a 400 at once and the device stays as it was.
     */
    @Test
    void aCutOffArrayUnderAnUnknownPropertyIsRefusedAtOnce() {
        String device = newDevice();
        for (String[] call : new String[][] {
            {"/api/v1/admin/devices", "{\"x\":["},
            {"/api/v1/admin/devices", "{\"id\":\"cut-off-1\",\"name\":\"x\",\"extra\":[[1],2"},
            {"/api/v1/admin/devices/" + device + "/status", "{\"status\":\"SUSPENDED\",\"why\":[\"a\""},
            {"/api/v1/admin/revocations", "{\"serials\":[],\"more\":["}
        }) {
            long started = System.nanoTime();
            assertProblem(SERVER.admin("POST", call[0], "application/json", call[1]), 400, "json-invalid");
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertTrue(ms < 5_000, call[1] + " was answered after " + ms + " ms");
        }
        assertDeviceAbsent("cut-off-1");
        HttpResponse<String> after = SERVER.admin("GET", "/api/v1/admin/devices/" + device, null, null);
        assertEquals(200, after.statusCode(), after.body());
        assertTrue(after.body().contains("\"ACTIVE\""), after.body());
    }

    @Test
    void jsonNestedTenThousandDeepIsRefusedAsJsonInvalid() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertProblem(SERVER.admin("POST", "/api/v1/admin/devices", "application/json", deep), 400, "json-invalid");
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/devices",
                        "application/json",
                        "{\"id\":\"deep-1\",\"name\":" + deep + "}"),
                400,
                "json-invalid");
        assertProblem(
                SERVER.admin("POST", "/api/v1/admin/revocations", "application/json", "{\"serials\":" + deep + "}"),
                400,
                "json-invalid");
        assertDeviceAbsent("deep-1");
        // the server is still well: the next ordinary request succeeds
        assertEquals(
                200,
                SERVER.admin("GET", "/api/v1/admin/devices?size=1", null, null).statusCode());
    }

    @Test
    void tenMegabytesOfJsonSentChunkedAreRefusedAsTooLarge() throws Exception {
        Path big = dir.resolve("big.json");
        Files.writeString(big, "{\"id\":\"chunked-1\",\"name\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}");
        Run r = run(
                dir,
                "curl",
                "-sS",
                "--http1.1",
                "--max-time",
                "60",
                "--cacert",
                SERVER.rootCaPem().toString(),
                "-u",
                "admin:" + SERVER.adminPassword,
                "-H",
                "Content-Type: application/json",
                "-H",
                "Transfer-Encoding: chunked",
                "--data-binary",
                "@big.json",
                "-w",
                "\n%{http_code}",
                SERVER.https("/api/v1/admin/devices").toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().strip().endsWith("413"), r.output());
        assertTrue(r.output().contains("urn:devicetrust:problem:body-too-large"), r.output());
        assertDeviceAbsent("chunked-1");
    }

    @Test
    void aParameterOutsideItsListIsAnInvalidRequestNotAServerError() {
        assertProblem(SERVER.admin("GET", "/api/v1/admin/devices?status=BOGUS", null, null), 400, "invalid-request");
        assertProblem(SERVER.admin("GET", "/api/v1/admin/devices?sort=password", null, null), 400, "invalid-request");
        assertProblem(SERVER.admin("GET", "/api/v1/admin/devices?size=100000", null, null), 400, "page-invalid");
        assertProblem(
                SERVER.admin("POST", "/api/v1/admin/devices", "application/json", "null"), 400, "invalid-request");
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/certificates/0abc123/revocation",
                        "application/json",
                        "{\"reason\":\"becauseISaySo\"}"),
                400,
                "invalid-request");
    }

    @Test
    void unknownDeviceIsNotFoundOnTheAdminApi() {
        assertProblem(SERVER.admin("GET", "/api/v1/admin/devices/no-such-device-2", null, null), 404, "device-unknown");
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/enrollment-tokens",
                        "application/json",
                        "{\"deviceId\":\"no-such-device-2\"}"),
                404,
                "device-unknown");
    }

    /** What a recursive DER parser does with it is not this test's business; that the answer is clean is. */
    @Test
    void deeplyNestedDerCsrGetsProblemDetailsAndTheServerStaysWell() throws Exception {
        String id = newDevice();
        int depth = 16 * 1024 / 4;
        byte[] der = new byte[depth * 4];
        for (int i = 0; i < depth; i++) {
            der[2 * i] = 0x30; // SEQUENCE, indefinite length
            der[2 * i + 1] = (byte) 0x80;
        }
        Files.write(dir.resolve("deep.der"), der); // the end-of-contents octets are the zeros that follow
        Run r = run(
                dir,
                "curl",
                "-sS",
                "--max-time",
                "60",
                "--cacert",
                SERVER.rootCaPem().toString(),
                "-u",
                "admin:" + SERVER.adminPassword,
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@deep.der",
                "-w",
                "\n%{http_code} %{content_type}",
                SERVER.https("/api/v1/admin/devices/" + id + "/certificates").toString());
        assertEquals(0, r.exitCode(), r.output());
        String last = r.output().strip().substring(r.output().strip().lastIndexOf('\n') + 1);
        assertTrue(
                last.startsWith("400 application/problem+json") || last.startsWith("500 application/problem+json"),
                r.output());
        assertTrue(r.output().contains("urn:devicetrust:problem:"), r.output());
        assertTrue(!r.output().contains("StackOverflow") && !r.output().contains("at org."), r.output());
        assertEquals(0, certificateCount(id));
    }

    private void assertDeviceAbsent(String id) {
        assertProblem(SERVER.admin("GET", "/api/v1/admin/devices/" + id, null, null), 404, "device-unknown");
    }

    @Test
    void wrongPasswordIsRefusedWithAChallenge() {
        HttpResponse<String> r = SERVER.asUser("admin", "not-the-password", "GET", "/api/v1/admin/devices", null, null);
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals("urn:devicetrust:problem:unauthenticated", json(r.body()).getString("type"));
    }
}
