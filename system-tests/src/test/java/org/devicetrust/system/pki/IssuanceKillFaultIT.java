package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.devicetrust.system.IssuanceAfterKill;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault stage: {@code kill -9} of the Payara JVM in the middle of an issuance burst, single and batch requests
 * side by side. Afterwards every certificate a client was answered 201 for exists and verifies against the Device
 * CA, no serial is stored twice, every "certificate issued" audit record names a stored certificate, the chain
 * verifies, and the CRL number keeps growing. Prints its figures; the bounds are generous.
 */
class IssuanceKillFaultIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final int SINGLE_CLIENTS = 6;
    private static final int BATCH_CLIENTS = 2;
    private static final int BATCH = 20;

    @TempDir
    Path dir;

    @Test
    void nothingAcknowledgedIsLostAndNoRecordNamesAMissingCertificate() throws Exception {
        long crlBefore = json(SERVER.admin("POST", "/api/v1/admin/crl", null, null)
                        .body())
                .getJsonNumber("crlNumber")
                .longValue();
        String prefix = "kill-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        int devices = 3000;
        List<String> ids = new ArrayList<>(devices);
        ExecutorService pool = Executors.newFixedThreadPool(SINGLE_CLIENTS + BATCH_CLIENTS);
        List<java.util.concurrent.Future<String>> registered = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            String id = prefix + "-" + i;
            registered.add(pool.submit(() -> SERVER.registerDevice(id, "kill test")));
        }
        for (var f : registered) {
            ids.add(f.get());
        }
        List<String> csrs = DeviceTrustServer.csrs(ids);

        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // serial -> PEM, as answered with 201
        AtomicInteger single = new AtomicInteger();
        AtomicInteger batched = new AtomicInteger();
        AtomicInteger refusedOrCut = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(SERVER.trustingRoot())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String auth = "Basic "
                + Base64.getEncoder()
                        .encodeToString(("admin:" + SERVER.adminPassword).getBytes(StandardCharsets.UTF_8));
        List<java.util.concurrent.Future<?>> work = new ArrayList<>();
        for (int t = 0; t < SINGLE_CLIENTS; t++) {
            work.add(pool.submit(() -> {
                for (int i; !stop.get() && (i = next.getAndIncrement()) < devices; ) {
                    try {
                        HttpResponse<String> r = client.send(
                                HttpRequest.newBuilder(
                                                SERVER.https("/api/v1/admin/devices/" + ids.get(i) + "/certificates"))
                                        .header("Authorization", auth)
                                        .header("Content-Type", "application/x-pem-file")
                                        .timeout(Duration.ofSeconds(20))
                                        .POST(HttpRequest.BodyPublishers.ofString(csrs.get(i)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 201) {
                            JsonObject c = json(r.body());
                            acknowledged.put(c.getString("serial"), c.getString("pem"));
                            single.incrementAndGet();
                        } else {
                            refusedOrCut.incrementAndGet();
                        }
                    } catch (Exception e) {
                        refusedOrCut.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (int t = 0; t < BATCH_CLIENTS; t++) {
            work.add(pool.submit(() -> {
                while (!stop.get()) {
                    int from = next.getAndAdd(BATCH);
                    if (from >= devices) {
                        break;
                    }
                    StringBuilder body = new StringBuilder("{\"requests\":[");
                    for (int i = from; i < Math.min(devices, from + BATCH); i++) {
                        body.append(i == from ? "" : ",")
                                .append("{\"deviceId\":\"")
                                .append(ids.get(i))
                                .append("\",\"csr\":\"")
                                .append(csrs.get(i).replace("\n", "\\n"))
                                .append("\"}");
                    }
                    try {
                        HttpResponse<String> r = client.send(
                                HttpRequest.newBuilder(SERVER.https("/api/v1/admin/issuances"))
                                        .header("Authorization", auth)
                                        .header("Content-Type", "application/json")
                                        .timeout(Duration.ofSeconds(20))
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                body.append("]}").toString()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            for (var result : json(r.body()).getJsonArray("results")) {
                                JsonObject o = result.asJsonObject();
                                if (o.getInt("status") == 201) {
                                    JsonObject c = o.getJsonObject("certificate");
                                    acknowledged.put(c.getString("serial"), c.getString("pem"));
                                    batched.incrementAndGet();
                                }
                            }
                        } else {
                            refusedOrCut.incrementAndGet();
                        }
                    } catch (Exception e) {
                        refusedOrCut.incrementAndGet();
                    }
                }
                return null;
            }));
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (single.get() < 150 || batched.get() < 3 * BATCH) {
            assertTrue(
                    System.nanoTime() < deadline,
                    "the burst did not get going: " + single + " single, " + batched + " batched");
            Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(SERVER.home.resolve("domains/devicetrust/config/pid"))
                .strip());
        ProcessHandle payara = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no Payara pid " + pid));
        assertTrue(payara.info().command().orElse("").contains("java"), "pid " + pid + " is not the Payara JVM");
        Run kill = run(dir, "kill", "-9", Long.toString(pid));
        assertEquals(0, kill.exitCode(), kill.output());
        payara.onExit().get(30, TimeUnit.SECONDS);
        stop.set(true);
        for (var w : work) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf(
                "fault kill -9: acknowledged before the kill: %d single, %d in batches; %d requests"
                        + " refused or cut off%n",
                single.get(), batched.get(), refusedOrCut.get());

        long t0 = System.nanoTime();
        Run start = run(dir, System.getProperty("devicetrust.launcher"), "start");
        assertEquals(0, start.exitCode(), start.output());
        long restartMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("fault kill -9: restart to answering in %d ms%n", restartMillis);
        assertTrue(restartMillis < 600_000, "restart took " + restartMillis + " ms");

        IssuanceAfterKill.Outcome outcome = IssuanceAfterKill.check(SERVER, prefix, acknowledged);
        System.out.printf(
                "fault kill -9: %d acknowledged certificates found and verified against the Device CA; %d"
                        + " certificates stored, %d issued records, each naming one of them%n",
                outcome.verified(), outcome.stored(), outcome.issuedRecords());
        long crlAfter = json(SERVER.admin("POST", "/api/v1/admin/crl", null, null)
                        .body())
                .getJsonNumber("crlNumber")
                .longValue();
        assertTrue(crlAfter > crlBefore, "CRL number " + crlBefore + " -> " + crlAfter);
        System.out.printf(
                "fault kill -9: audit chain intact (%s), CRL number %d -> %d%n",
                outcome.chainChecked(), crlBefore, crlAfter);
    }
}
