package org.devicetrust.system.device;

import static org.devicetrust.system.DeviceTrustServer.run;
import static org.devicetrust.system.device.DeviceCredentials.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under device traffic: device requests are refused fast (503 within 2 s, never a hang),
 * a revoked certificate is never let in, and the server recovers by itself when the database is back.
 * Stops the server's PostgreSQL cluster, so it runs only where the test command allows it
 * ({@code DEVICETRUST_ST_MAY_STOP_DATABASE=true}); nothing else may use that cluster meanwhile.
 */
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    private record Answer(long atMillis, String who, int status, long tookMillis) {}

    @Test
    void anOutageIsAFast503NeverAnAllowAndRecoversWithoutARestart() throws Exception {
        assumeTrue(
                "true".equals(System.getenv("DEVICETRUST_ST_MAY_STOP_DATABASE")),
                "set DEVICETRUST_ST_MAY_STOP_DATABASE=true to let this test stop PostgreSQL");
        Credential good = DeviceCredentials.registeredDevice(dir, "outage-good");
        Credential revoked = DeviceCredentials.registeredDevice(dir, "outage-revoked");
        HttpClient revokedClient = revoked.client();
        assertEquals(200, status(good.client()), "before the outage");
        assertEquals(200, status(revokedClient));
        assertEquals(200, DeviceCredentials.revoke(revoked.serial()).statusCode());
        assertEquals(401, status(revokedClient), "revoked before the outage");

        List<Answer> answers = new ArrayList<>();
        HttpResponse<String> readiness = null;
        long readinessTook = -1;
        long started = System.nanoTime();
        database("stop");
        try {
            while (System.nanoTime() - started < OUTAGE.toNanos()) {
                answers.add(ask("good, new TLS session", good.client(), started));
                answers.add(ask("revoked, open session", revokedClient, started));
                if (readiness == null
                        && System.nanoTime() - started > Duration.ofSeconds(2).toNanos()) {
                    long t0 = System.nanoTime();
                    readiness = SERVER.get(SERVER.http("/health/ready"));
                    readinessTook = (System.nanoTime() - t0) / 1_000_000;
                }
                Thread.sleep(100);
            }
        } finally {
            database("start");
        }
        long back = System.nanoTime();
        long recoveredAfter = -1;
        while (System.nanoTime() - back < Duration.ofSeconds(60).toNanos()) {
            if (status(good.client()) == 200) {
                recoveredAfter = (System.nanoTime() - back) / 1_000_000;
                break;
            }
            Thread.sleep(200);
        }

        Map<String, Long> byAnswer = new TreeMap<>();
        long slowest = 0;
        for (Answer answer : answers) {
            byAnswer.merge(answer.who() + " -> " + answer.status(), 1L, Long::sum);
            slowest = Math.max(slowest, answer.tookMillis());
        }
        System.out.printf(
                "database outage of %d s: %d device requests, answers %s, slowest %d ms;"
                        + " service back %d ms after the database%n",
                OUTAGE.toSeconds(), answers.size(), byAnswer, slowest, recoveredAfter);
        for (Answer answer : answers) {
            if (answer.who().startsWith("revoked")) {
                assertTrue(answer.status() != 200, "a revoked certificate was let in: " + answer);
            }
            if (answer.atMillis() > 1500) {
                assertEquals(503, answer.status(), "past the staleness bound every request is refused: " + answer);
            }
            assertTrue(answer.tookMillis() < 3000, "answered fast, never held: " + answer);
        }
        assertTrue(answers.stream().anyMatch(a -> a.status() == 503), "the outage was seen");
        // the load balancer's probe sees it too, and names what is down
        assertTrue(readiness != null, "readiness was asked during the outage");
        assertEquals(503, readiness.statusCode(), readiness.body());
        var checks = HealthAndMetricsIT.checks(DeviceTrustServer.json(readiness.body()));
        assertEquals("DOWN", checks.get("database").getString("status"), readiness.body());
        assertEquals("DOWN", checks.get("authorization-view").getString("status"), readiness.body());
        System.out.printf("readiness during the outage: %d in %d ms%n", readiness.statusCode(), readinessTook);
        assertTrue(readinessTook < 5000, "the probe is answered fast: " + readinessTook + " ms");
        assertTrue(recoveredAfter >= 0, "the device API answers again after the database is back");
        assertEquals(401, status(revokedClient), "the revoked certificate stays refused after the outage");
        assertEquals(200, SERVER.get(SERVER.http("/health/ready")).statusCode(), "ready again");
    }

    private static Answer ask(String who, HttpClient client, long started) {
        long t0 = System.nanoTime();
        int status = status(client);
        long now = System.nanoTime();
        return new Answer((t0 - started) / 1_000_000, who, status, (now - t0) / 1_000_000);
    }

    private static int status(HttpClient client) {
        try {
            return client.send(
                            HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("Accept", "text/plain")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The server's PostgreSQL cluster ({@code DEVICETRUST_ST_PG_CLUSTER}, "VERSION/NAME", default 15/main). */
    private void database(String action) {
        String[] cluster = System.getenv()
                .getOrDefault("DEVICETRUST_ST_PG_CLUSTER", "15/main")
                .split("/", 2);
        Run pg = action.equals("stop")
                ? run(dir, "pg_ctlcluster", cluster[0], cluster[1], "stop", "-m", "fast")
                : run(dir, "pg_ctlcluster", cluster[0], cluster[1], "start");
        assertTrue(pg.exitCode() == 0 || action.equals("start"), "pg_ctlcluster " + action + ": " + pg.output());
    }
}
