package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.assertProblem;
import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch issuance through the admin API: one answer per request, refusals beside certificates, limits. */
class IssuanceBatchIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;

    @TempDir
    Path dir;

    @Test
    void issuesEachGoodRequestAndAnswersEachRefusalInOrder() throws Exception {
        String tag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String first = SERVER.registerDevice("batch-a-" + tag, "batch");
        String second = SERVER.registerDevice("batch-b-" + tag, "batch");
        JsonArray requests = Json.createArrayBuilder()
                .add(item(first, opensslCsr(dir, "a", first)))
                .add(item("batch-unknown-" + tag, opensslCsr(dir, "u", "batch-unknown-" + tag)))
                .add(item(second, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"))
                .add(item(second, opensslCsr(dir, "b", second)))
                .build();
        HttpResponse<String> r = batch(
                Json.createObjectBuilder().add("requests", requests).build().toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = json(r.body());
        assertEquals(2, body.getInt("issued"));
        assertEquals(2, body.getInt("refused"));
        JsonArray results = body.getJsonArray("results");
        assertEquals(4, results.size());
        X509Certificate deviceCa = DeviceTrustServer.certificate(Files.readString(SERVER.caChainPem()));
        for (int i : new int[] {0, 3}) {
            JsonObject result = results.getJsonObject(i);
            assertEquals(201, result.getInt("status"), result.toString());
            JsonObject certificate = result.getJsonObject("certificate");
            DeviceTrustServer.certificate(certificate.getString("pem")).verify(deviceCa.getPublicKey());
            HttpResponse<String> stored =
                    SERVER.admin("GET", "/api/v1/admin/certificates/" + certificate.getString("serial"), null, null);
            assertEquals(200, stored.statusCode(), stored.body());
            assertEquals(result.getString("deviceId"), json(stored.body()).getString("deviceId"));
        }
        assertEquals(first, results.getJsonObject(0).getString("deviceId"));
        assertEquals(404, results.getJsonObject(1).getInt("status"), results.toString());
        assertEquals(
                "urn:devicetrust:problem:device-unknown",
                results.getJsonObject(1).getJsonObject("problem").getString("type"));
        assertEquals(400, results.getJsonObject(2).getInt("status"));
        assertEquals(
                "urn:devicetrust:problem:csr-malformed",
                results.getJsonObject(2).getJsonObject("problem").getString("type"));
    }

    /** Bodies over the 64 KiB limit, chunked or not, are AdminApiBadInputIT's: the limit is the same here. */
    @Test
    void batchesOutsideTheLimitsAreRefusedWithProblemDetails() {
        assertProblem(batch("{\"requests\":[]}"), 400, "batch-size-invalid");
        assertProblem(batch("{}"), 400, "batch-size-invalid");
        JsonArrayBuilder tooMany = Json.createArrayBuilder();
        for (int i = 0; i <= 100; i++) {
            tooMany.add(item("batch-limit-" + i, "x"));
        }
        assertProblem(
                batch(Json.createObjectBuilder()
                        .add("requests", tooMany)
                        .build()
                        .toString()),
                400,
                "batch-size-invalid");
        assertProblem(batch("{\"requests\":[null]}"), 400, "invalid-request");
        assertProblem(batch("{\"requests\":[{\"deviceId\":[1],\"csr\":\"x\"}]}"), 400, "json-invalid");
    }

    private static JsonObject item(String deviceId, String csr) {
        return Json.createObjectBuilder()
                .add("deviceId", deviceId)
                .add("csr", csr)
                .build();
    }

    private static HttpResponse<String> batch(String body) {
        return SERVER.admin("POST", "/api/v1/admin/issuances", "application/json", body);
    }
}
