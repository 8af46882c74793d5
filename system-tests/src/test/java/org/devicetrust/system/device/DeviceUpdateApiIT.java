package org.devicetrust.system.device;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.device.DeviceCredentials.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's side of an update over real mutual TLS against the EAR on Payara Server: the offer, the ranged
 * download under If-Match, every refusal the contract names, status reports, the chunk count in the admin view and
 * the metrics, and the update completing.
 */
class DeviceUpdateApiIT {

    static final String RELEASES = "/api/v1/admin/firmware/releases";
    static final String ROLLOUTS = "/api/v1/admin/rollouts";
    static final String OFFER = "application/vnd.devicetrust.offer";

    @TempDir
    Path dir;

    /** An approved release: its admin view and the exact bytes the database holds. */
    record Release(long id, long version, String buildId, String manifestDigest, byte[] image) {}

    /** A parsed offer. */
    record Offer(String updateId, int chunkSize, long imageLength, byte[] manifest, byte[] signatureBlock) {}

    @Test
    void anOfferedImageIsDownloadedInChunksReportedAndTheUpdateSucceeds() throws Exception {
        Credential a = DeviceCredentials.registeredDevice(dir, "ota-a");
        Credential b = DeviceCredentials.registeredDevice(dir, "ota-b");
        Release release = release(10_000);
        long rollout = startedRollout(release, List.of(a.deviceId(), b.deviceId()));
        HttpClient asA = a.client();
        HttpClient asB = b.client();

        // ---- the offer: 336 bytes as the contract lays them out, the same while it is open
        HttpResponse<byte[]> poll = send(asA, request("/api/v1/device/update").header("Accept", OFFER));
        assertEquals(200, poll.statusCode());
        assertEquals(OFFER, poll.headers().firstValue("Content-Type").orElse(""));
        Offer offer = parse(poll.body());
        byte[] image = release.image();
        assertEquals(image.length, offer.imageLength());
        assertEquals(128 + ((10_000 + 15) & ~15) + 176, image.length);
        assertEquals(4096, offer.chunkSize());
        assertArrayEquals(Arrays.copyOf(image, 128), offer.manifest());
        assertArrayEquals(Arrays.copyOfRange(image, image.length - 176, image.length), offer.signatureBlock());
        String etag = "\"" + sha256(offer.manifest()) + "\"";
        assertEquals("\"" + release.manifestDigest() + "\"", etag);
        assertArrayEquals(
                poll.body(), send(asA, request("/api/v1/device/update")).body(), "the same offer while it is open");
        String id = offer.updateId();
        assertEquals(
                0,
                execution(rollout, a.deviceId()).getJsonNumber("chunkRequests").longValue());
        assertEquals("OFFERED", execution(rollout, a.deviceId()).getString("state"));

        // ---- device B is offered its own update and rejects it before any payload byte
        Offer offerB = parse(send(asB, request("/api/v1/device/update")).body());
        assertEquals(
                204,
                status(asB, offerB.updateId(), report(1, "REJECTED", 0, 7, 2, "old-build", 1))
                        .statusCode());
        JsonObject rejected = execution(rollout, b.deviceId());
        assertEquals("REJECTED", rejected.getString("state"));
        assertEquals(0, rejected.getJsonNumber("chunkRequests").longValue(), "a rejected offer fetched nothing");

        // ---- the download: DOWNLOADING by report only, then 4096-byte chunks under If-Match
        assertEquals(
                204,
                status(asA, id, report(1, "DOWNLOADING", 0, 0, 2, "old-build", 1))
                        .statusCode());
        assertEquals("DOWNLOADING", execution(rollout, a.deviceId()).getString("state"));
        ByteArrayOutputStream downloaded = new ByteArrayOutputStream();
        int chunks = 0;
        for (long first = 0; first < offer.imageLength(); first += offer.chunkSize()) {
            long last = Math.min(first + offer.chunkSize(), offer.imageLength()) - 1;
            HttpResponse<byte[]> chunk = image(asA, id, "bytes=" + first + "-" + last, etag);
            assertEquals(206, chunk.statusCode(), new String(chunk.body(), StandardCharsets.UTF_8));
            assertEquals(
                    "bytes " + first + "-" + last + "/" + offer.imageLength(),
                    chunk.headers().firstValue("Content-Range").orElse(null));
            assertEquals(etag, chunk.headers().firstValue("ETag").orElse(null));
            assertEquals(
                    "application/octet-stream",
                    chunk.headers().firstValue("Content-Type").orElse(""));
            assertEquals(last - first + 1, chunk.body().length);
            downloaded.write(chunk.body());
            chunks++;
        }
        assertEquals(3, chunks);
        assertArrayEquals(image, downloaded.toByteArray(), "the downloaded bytes are the release's image");
        assertEquals(sha256(image), sha256(downloaded.toByteArray()));
        assertEquals(
                "DOWNLOADING",
                execution(rollout, a.deviceId()).getString("state"),
                "chunks do not move the update's state");

        // ---- refusals of the range: 400 before the update is looked at (not counted)
        assertProblem(image(asA, id, null, etag), 400, "range-invalid");
        for (String hostile : List.of(
                "bytes=0-",
                "bytes=-10",
                "bytes=0-1,2-3",
                "bytes=99999999999999999999-1",
                "items=0-1",
                "bytes=0-6144")) {
            assertProblem(image(asA, id, hostile, etag), 400, "range-invalid");
        }
        assertProblem(
                send(
                        asA,
                        request("/api/v1/device/update/" + id + "/image")
                                .header("Range", "bytes=0-1")
                                .header("Range", "bytes=2-3")
                                .header("If-Match", etag)),
                400,
                "range-invalid");
        // ---- 416 outside the image, 412 for another image or none (counted: the update was found)
        long n = offer.imageLength();
        HttpResponse<byte[]> outside = image(asA, id, "bytes=" + n + "-" + (n + 10), etag);
        assertProblem(outside, 416, "range-not-satisfiable");
        assertEquals(
                "bytes */" + n, outside.headers().firstValue("Content-Range").orElse(null));
        HttpResponse<byte[]> pastTheEnd = image(asA, id, "bytes=" + (n - 10) + "-" + n, etag);
        assertProblem(pastTheEnd, 416, "range-not-satisfiable");
        assertEquals(
                "bytes */" + n, pastTheEnd.headers().firstValue("Content-Range").orElse(null));
        assertProblem(image(asA, id, "bytes=0-15", "\"" + "0".repeat(64) + "\""), 412, "update-precondition-failed");
        assertProblem(image(asA, id, "bytes=0-15", null), 412, "update-precondition-failed");
        assertProblem(image(asA, id, "bytes=0-15", "*"), 412, "update-precondition-failed");

        // ---- another device's update, an unknown and a malformed id: one indistinguishable 404
        HttpResponse<byte[]> others = image(asB, id, "bytes=0-15", etag);
        HttpResponse<byte[]> unknown = image(asA, "0123456789abcdef0123456789abcdef", "bytes=0-15", etag);
        HttpResponse<byte[]> malformed = image(asA, "0123456789ABCDEF0123456789ABCDEF", "bytes=0-15", etag);
        for (HttpResponse<byte[]> r : List.of(others, unknown, malformed)) {
            assertProblem(r, 404, "update-unknown");
        }
        assertEquals(
                json(new String(others.body(), StandardCharsets.UTF_8)).getString("detail"),
                json(new String(unknown.body(), StandardCharsets.UTF_8)).getString("detail"));
        assertProblem(status(asB, id, report(2, "FAILED", 0, 1, 2, "old-build", 1)), 404, "update-unknown");

        // chunks + two 416 + three 412; the 400s and B's 404s are not A's update's requests
        assertEquals(
                3 + 2 + 3,
                execution(rollout, a.deviceId()).getJsonNumber("chunkRequests").longValue());
        String metrics = SERVER.get(SERVER.http("/metrics")).body();
        assertTrue(
                HealthAndMetricsIT.value(metrics, "devicetrust_update_chunk_requests")
                                .orElseThrow()
                        >= 8,
                metrics);

        // ---- status reports: idempotent by seq, bounded, strict
        assertEquals(
                204,
                status(asA, id, report(2, "DOWNLOADED", n, 0, 2, "old-build", 1))
                        .statusCode());
        assertEquals(
                204,
                status(asA, id, report(2, "INSTALLING", n, 0, 2, "old-build", 1))
                        .statusCode());
        assertState(rollout, a.deviceId(), "DOWNLOADED", 2);
        assertEquals(
                204,
                status(asA, id, report(1, "FAILED", 0, 9, 2, "old-build", 1)).statusCode());
        assertState(rollout, a.deviceId(), "DOWNLOADED", 2);
        assertEquals(
                204,
                status(asA, id, report(3, "INSTALLING", n, 0, 2, "old-build", 1))
                        .statusCode());
        assertState(rollout, a.deviceId(), "INSTALLING", 3);

        String padded =
                report(4, "INSTALLING", n, 0, 2, "old-build", 1).replace("}", ",\"pad\":\"" + "x".repeat(1100) + "\"}");
        assertProblem(status(asA, id, padded), 413, "body-too-large");
        assertProblem(
                status(asA, id, report(4, "INSTALLING", n, 0, 2, "b", 1).replace("}", ",\"extra\":1}")),
                400,
                "json-invalid");
        assertProblem(
                status(asA, id, report(4, "INSTALLING", n, 0, 2, "b", 1).replace("\"seq\":4", "\"seq\":\"4\"")),
                400,
                "json-invalid");
        assertProblem(status(asA, id, "{\"seq\":4,"), 400, "json-invalid");
        assertProblem(status(asA, id, report(4, "EXPLODED", n, 0, 2, "b", 1)), 400, "update-status-invalid");
        assertProblem(status(asA, id, report(4, "INSTALLING", n, 0, 2, "b", 65)), 400, "update-status-invalid");
        assertProblem(
                send(
                        asA,
                        request("/api/v1/device/update/" + id + "/status")
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(report(4, "INSTALLING", n, 0, 2, "b", 1)))),
                415,
                "unsupported-media-type");
        assertState(rollout, a.deviceId(), "INSTALLING", 3);

        // ---- SUCCEEDED counts only from the new image: the old one claiming it is recorded, not counted
        assertEquals(
                204,
                status(asA, id, report(4, "SUCCEEDED", 0, 0, 2, "old-build", 1)).statusCode());
        assertState(rollout, a.deviceId(), "INSTALLING", 3);
        assertEquals(
                204,
                status(asA, id, report(5, "SUCCEEDED", 0, 0, release.version(), release.buildId(), 2))
                        .statusCode());
        assertState(rollout, a.deviceId(), "SUCCEEDED", 5);
        assertEquals(
                "FINISHED",
                json(SERVER.admin("GET", ROLLOUTS + "/" + rollout, null, null).body())
                        .getString("state"));
        try (Connection db = DeviceTrustServer.database();
                PreparedStatement s = db.prepareStatement(
                        "SELECT version, build_id, security_version, update_id FROM running_firmware"
                                + " WHERE device_id = ?")) {
            s.setString(1, a.deviceId());
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "the device's running firmware is recorded");
                assertEquals(release.version(), r.getLong(1));
                assertEquals(release.buildId(), r.getString(2));
                assertEquals(2, r.getInt(3));
                assertEquals(id, r.getString(4));
            }
        }
        assertProblem(image(asA, id, "bytes=0-15", etag), 410, "update-gone");
        assertEquals(204, send(asA, request("/api/v1/device/update")).statusCode(), "nothing more to offer");
    }

    @Test
    void aRevokedReleaseOrAStoppedRolloutIsGoneForTheDevice() throws Exception {
        Credential c = DeviceCredentials.registeredDevice(dir, "ota-revoke");
        Release release = release(3_000);
        startedRollout(release, List.of(c.deviceId()));
        HttpClient asC = c.client();
        Offer offer = parse(send(asC, request("/api/v1/device/update")).body());
        String etag = "\"" + release.manifestDigest() + "\"";
        HttpResponse<byte[]> first = image(asC, offer.updateId(), "bytes=0-511", etag);
        assertEquals(206, first.statusCode());
        assertArrayEquals(Arrays.copyOf(release.image(), 512), first.body());
        HttpResponse<String> revoked = SERVER.admin("POST", RELEASES + "/" + release.id() + "/revocation", null, null);
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertProblem(image(asC, offer.updateId(), "bytes=512-1023", etag), 410, "update-gone");

        Credential d = DeviceCredentials.registeredDevice(dir, "ota-stop");
        Release other = release(2_000);
        long rollout = startedRollout(other, List.of(d.deviceId()));
        HttpClient asD = d.client();
        Offer offerD = parse(send(asD, request("/api/v1/device/update")).body());
        String etagD = "\"" + other.manifestDigest() + "\"";
        assertEquals(206, image(asD, offerD.updateId(), "bytes=0-99", etagD).statusCode());
        assertEquals(
                200,
                SERVER.admin("POST", ROLLOUTS + "/" + rollout + "/stop", null, null)
                        .statusCode());
        assertProblem(image(asD, offerD.updateId(), "bytes=100-199", etagD), 410, "update-gone");
        assertEquals(
                2,
                execution(rollout, d.deviceId()).getJsonNumber("chunkRequests").longValue());

        // the refusals of every device endpoint apply unchanged, before the update is looked at
        assertEquals(
                200, DeviceCredentials.changeStatus(d.deviceId(), "SUSPENDED").statusCode());
        assertProblem(image(asD, offerD.updateId(), "bytes=100-199", etagD), 403, "device-suspended");
        assertProblem(
                status(asD, offerD.updateId(), report(1, "DOWNLOADING", 0, 0, 1, "b", 1)), 403, "device-suspended");
        assertEquals(
                2,
                execution(rollout, d.deviceId()).getJsonNumber("chunkRequests").longValue());
    }

    /** A 1 MiB image over one mutual-TLS connection in 4096- and 6144-byte chunks: equal bytes, and the rate. */
    @Test
    void aLargerImageDownloadsWholeAndItsRateIsPrinted() throws Exception {
        Credential e = DeviceCredentials.registeredDevice(dir, "ota-rate");
        Release release = release(1 << 20);
        startedRollout(release, List.of(e.deviceId()));
        HttpClient asE = e.client();
        Offer offer = parse(send(asE, request("/api/v1/device/update")).body());
        String etag = "\"" + release.manifestDigest() + "\"";
        for (int chunkSize : new int[] {4096, 6144, 4096, 6144}) {
            ByteArrayOutputStream downloaded = new ByteArrayOutputStream();
            long started = System.nanoTime();
            int requests = 0;
            for (long first = 0; first < offer.imageLength(); first += chunkSize) {
                long last = Math.min(first + chunkSize, offer.imageLength()) - 1;
                HttpResponse<byte[]> chunk = image(asE, offer.updateId(), "bytes=" + first + "-" + last, etag);
                assertEquals(206, chunk.statusCode());
                downloaded.write(chunk.body());
                requests++;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertArrayEquals(release.image(), downloaded.toByteArray());
            System.out.printf(
                    "image download, %d-byte chunks: %d bytes in %d requests, %.2f s, %.0f KiB/s, %.0f requests/s%n",
                    chunkSize,
                    offer.imageLength(),
                    requests,
                    seconds,
                    offer.imageLength() / 1024.0 / seconds,
                    requests / seconds);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Uploads a payload for the backend to sign, approves it (as if a second administrator did) and reads it. */
    private static Release release(int payloadSize) throws Exception {
        String build = "ota-" + UUID.randomUUID().toString().substring(0, 8);
        JsonObject list = json(SERVER.admin("GET", RELEASES, null, null).body());
        int securityVersion = Math.max(0, list.getInt("highestApprovedSecurityVersion"));
        byte[] payload = new byte[payloadSize];
        for (int i = 0; i < payloadSize; i++) {
            payload[i] = (byte) (i * 31 + build.charAt(i % build.length()));
        }
        HttpClient admin = HttpClient.newBuilder()
                .sslContext(SERVER.trustingRoot())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> created = DeviceTrustServer.send(
                admin,
                HttpRequest.newBuilder(SERVER.https(RELEASES + "?version=7&securityVersion=" + securityVersion
                                + "&loadAddress=0x80200000&buildId=" + build))
                        .timeout(Duration.ofSeconds(60))
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(("admin:" + SERVER.adminPassword)
                                                        .getBytes(StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build());
        assertEquals(201, created.statusCode(), created.body());
        JsonObject r = json(created.body());
        long id = r.getJsonNumber("id").longValue();
        byte[] image = SERVER.approveReleaseOfAnotherUploader(id);
        return new Release(id, 7, build, r.getString("manifestDigest"), image);
    }

    /** A started rollout of the release to the devices, one group, finishing at 50 % success. */
    private static long startedRollout(Release release, List<String> devices) {
        HttpResponse<String> created = SERVER.admin(
                "POST",
                ROLLOUTS,
                "application/json",
                Json.createObjectBuilder()
                        .add("releaseId", release.id())
                        .add("deviceIds", Json.createArrayBuilder(devices))
                        .add("successPct", 50)
                        .add("error", Json.createObjectBuilder().add("pct", 100).add("minExecuted", 2))
                        .build()
                        .toString());
        assertEquals(201, created.statusCode(), created.body());
        long id = json(created.body()).getJsonNumber("id").longValue();
        HttpResponse<String> started = SERVER.admin("POST", ROLLOUTS + "/" + id + "/start", null, null);
        assertEquals(200, started.statusCode(), started.body());
        return id;
    }

    private static JsonObject execution(long rollout, String deviceId) {
        HttpResponse<String> r = SERVER.admin("GET", ROLLOUTS + "/" + rollout + "/executions", null, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonArray all = Json.createReader(new java.io.StringReader(r.body())).readArray();
        for (JsonValue v : all) {
            if (v.asJsonObject().getString("deviceId").equals(deviceId)) {
                return v.asJsonObject();
            }
        }
        throw new AssertionError("no execution of " + deviceId + " in " + r.body());
    }

    private static void assertState(long rollout, String deviceId, String state, long lastSeq) {
        JsonObject e = execution(rollout, deviceId);
        assertEquals(state, e.getString("state"), e.toString());
        assertEquals(lastSeq, e.getJsonNumber("lastSeq").longValue(), e.toString());
    }

    private static Offer parse(byte[] body) {
        assertNotNull(body);
        assertEquals(336, body.length);
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464f5444, b.getInt(0), "magic DTOF");
        assertEquals("DTOF", new String(body, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(4));
        assertEquals(32, b.getShort(6));
        String updateId = HexFormat.of().formatHex(body, 8, 24);
        return new Offer(
                updateId,
                b.getInt(24),
                Integer.toUnsignedLong(b.getInt(28)),
                Arrays.copyOfRange(body, 32, 160),
                Arrays.copyOfRange(body, 160, 336));
    }

    private static String report(long seq, String state, long offset, int code, long version, String build, int sv) {
        return "{\"seq\":" + seq + ",\"state\":\"" + state + "\",\"offset\":" + offset + ",\"code\":" + code
                + ",\"runningVersion\":" + version + ",\"buildId\":\"" + build + "\",\"efuseSv\":" + sv + "}";
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(SERVER.device(path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<byte[]> image(HttpClient client, String id, String range, String ifMatch)
            throws Exception {
        HttpRequest.Builder r = request("/api/v1/device/update/" + id + "/image");
        if (range != null) {
            r.header("Range", range);
        }
        if (ifMatch != null) {
            r.header("If-Match", ifMatch);
        }
        return send(client, r);
    }

    private static HttpResponse<byte[]> status(HttpClient client, String id, String body) throws Exception {
        return send(
                client,
                request("/api/v1/device/update/" + id + "/status")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertProblem(HttpResponse<byte[]> response, int status, String type) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(status, response.statusCode(), body);
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().toString());
        assertEquals("urn:devicetrust:problem:" + type, json(body).getString("type"), body);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
