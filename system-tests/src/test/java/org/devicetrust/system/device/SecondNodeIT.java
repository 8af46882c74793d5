package org.devicetrust.system.device;

import static org.devicetrust.system.device.DeviceCredentials.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two DeviceTrust servers on one PostgreSQL: a second Payara domain, started here by the launcher with the
 * same data directory (CA keys) and database as the server under test but ports of its own. A revocation or a
 * suspension made through the first server is refused by the second within the authorization view's bound,
 * read from the change feed; nothing else connects the two.
 */
class SecondNodeIT {

    private static final int OFFSET = 500;
    private static Path home;
    private static Map<String, String> nodeEnv;
    private static int devicePort;
    private static DeviceTrustServer nodeB;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSecondNode() throws Exception {
        String launcher = System.getProperty("devicetrust.launcher");
        String base = System.getenv("DEVICETRUST_PORT_BASE");
        assumeTrue(
                launcher != null && base != null && System.getenv("DEVICETRUST_DB_URL") != null,
                "needs the launcher, a port base and PostgreSQL (as the test command runs it)");
        int portBase = Integer.parseInt(base.strip()) + OFFSET;
        devicePort = portBase + 43;
        nodeB = SERVER.onNode(portBase);
        home = Files.createTempDirectory("devicetrust-node-b");
        nodeEnv = Map.of(
                "DEVICETRUST_HOME",
                home.toString(),
                "DEVICETRUST_PORT_BASE",
                String.valueOf(portBase),
                "DEVICETRUST_DATA_DIR",
                SERVER.dataDir.toString());
        long started = System.nanoTime();
        String output = launch(launcher, "start");
        System.out.printf("second node started in %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        assertTrue(output.contains("DeviceTrust is running"), output);
    }

    @AfterAll
    static void stopSecondNode() throws Exception {
        if (home != null) {
            launch(System.getProperty("devicetrust.launcher"), "stop");
            // its own Payara installation (~400 MB): gone with the test, or every run leaves one behind
            try (var files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aRevocationThroughOneServerIsRefusedByTheOtherWithinTheBound() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "two-nodes");
        HttpClient client = device.client();
        // the issuance itself reaches the second node through the feed: unknown (401) until then
        long known = waitFor(client, 200, System.nanoTime());

        List<Long> refusedAfter = new ArrayList<>();
        assertEquals(200, DeviceCredentials.revoke(device.serial()).statusCode());
        refusedAfter.add(waitFor(client, 401, System.nanoTime()));

        Credential other = DeviceCredentials.registeredDevice(dir, "two-nodes-suspend");
        HttpClient otherClient = other.client();
        waitFor(otherClient, 200, System.nanoTime());
        assertEquals(
                200,
                DeviceCredentials.changeStatus(other.deviceId(), "SUSPENDED").statusCode());
        refusedAfter.add(waitFor(otherClient, 403, System.nanoTime()));

        System.out.println("on the second node after (ms): new certificate known " + known + ", revocation refused "
                + refusedAfter.get(0) + ", suspension refused " + refusedAfter.get(1));
        // generous bounds: the view's own bound is 1 s; the rest is the checking requests' round trips on a busy
        // machine
        assertTrue(known >= 0 && known < 5000, "a new certificate is known soon after: " + known);
        for (long ms : refusedAfter) {
            assertTrue(ms >= 0 && ms < 2000, "refused within the 1 s bound (and slack for the request): " + ms);
        }
    }

    /**
     * CRL publications racing on both nodes: each succeeds (the database's unique CRL number would refuse a
     * second CRL with a number with a 500) and every CRL number is used once, by one CRL of one node; both nodes
     * serve the same newest CRL (from the database); and the CRL file the two share in the data directory ends
     * with the newest full CRL, never an older one written late by the other node.
     */
    @Test
    void crlPublicationsRacingOnBothNodesUseEachNumberOnceAndLeaveTheNewest() throws Exception {
        int perThread = 4;
        List<DeviceTrustServer> nodes = List.of(SERVER, nodeB, SERVER, nodeB);
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        List<Future<List<Long>>> runs = new ArrayList<>();
        try {
            for (DeviceTrustServer node : nodes) {
                runs.add(pool.submit(() -> {
                    List<Long> numbers = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        HttpResponse<String> published = node.admin("POST", "/api/v1/admin/crl", null, null);
                        assertEquals(200, published.statusCode(), published.body());
                        numbers.add(DeviceTrustServer.json(published.body())
                                .getJsonNumber("crlNumber")
                                .longValue());
                    }
                    return numbers;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> run : runs) {
                all.addAll(run.get(5, TimeUnit.MINUTES));
            }
            assertEquals(nodes.size() * perThread, all.size());
            assertEquals(all.size(), new HashSet<>(all).size(), "a CRL number used twice: " + all);
            long newest = Collections.max(all);

            byte[] servedByA =
                    SERVER.getBytes(SERVER.http("/pki/crl/device-ca.crl")).body();
            byte[] servedByB =
                    nodeB.getBytes(nodeB.http("/pki/crl/device-ca.crl")).body();
            assertArrayEquals(servedByA, servedByB, "both nodes serve the same CRL");
            assertEquals(newest, crlNumber(servedByA), "the newest full CRL is served");
            // the file follows each commit; give the later node's after-commit write a moment
            long inFile = 0;
            for (int i = 0; i < 50 && inFile != newest; i++) {
                inFile = crlNumber(Files.readAllBytes(SERVER.pkiDir.resolve("crl/device-ca.crl")));
                Thread.sleep(100);
            }
            assertEquals(newest, inFile, "the shared CRL file holds the newest full CRL");
        } finally {
            pool.shutdownNow();
        }
    }

    private static long crlNumber(byte[] derOrPem) throws Exception {
        X509CRL crl = (X509CRL)
                CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(derOrPem));
        byte[] extension = crl.getExtensionValue("2.5.29.20");
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                .longValueExact();
    }

    /**
     * For the benchmark (`./devicetrust bench`), not the suite: with {@code -Ddevicetrust.bench.revocations=N},
     * N certificates are issued and revoked through the first server and the time until the second refuses each
     * is printed as a distribution (and written to {@code target/second-node-revocations.txt}).
     */
    @Test
    void revocationToRefusalDistributionForTheBenchmark() throws Exception {
        int rounds = Integer.getInteger("devicetrust.bench.revocations", 0);
        assumeTrue(rounds > 0, "a benchmark: runs with -Ddevicetrust.bench.revocations=N");
        long[] refused = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            Credential device = DeviceCredentials.registeredDevice(dir, "bench-two-nodes-" + i);
            HttpClient client = device.client();
            assertTrue(waitFor(client, 200, System.nanoTime()) >= 0, "the second node learns the certificate");
            assertEquals(200, DeviceCredentials.revoke(device.serial()).statusCode());
            refused[i] = waitFor(client, 401, System.nanoTime());
            assertTrue(refused[i] >= 0, "the second node refuses the revoked certificate");
        }
        Arrays.sort(refused);
        String line = String.format(
                "revocation through one server refused by the second, over %d revocations (ms, a probe every 20 ms on"
                        + " a kept-alive connection): min %d, p50 %d, p99 %d, max %d (feed polled every 200 ms, bound"
                        + " 1,000 ms)",
                rounds,
                refused[0],
                refused[(rounds - 1) / 2],
                refused[(int) Math.min(rounds - 1, Math.ceil(rounds * 0.99) - 1)],
                refused[rounds - 1]);
        System.out.println(line);
        Files.writeString(Path.of("target", "second-node-revocations.txt"), line + "\n", StandardCharsets.UTF_8);
    }

    /** Milliseconds until the second node answers {@code wanted}; -1 if it does not within 10 s. */
    private static long waitFor(HttpClient client, int wanted, long since) throws Exception {
        while (System.nanoTime() - since < Duration.ofSeconds(10).toNanos()) {
            int status = sessionOnNodeB(client);
            if (status == wanted) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            assertTrue(
                    status == 200 || status == 401 || status == 403, "allowed or refused, never an error: " + status);
            Thread.sleep(20);
        }
        return -1;
    }

    private static int sessionOnNodeB(HttpClient client) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + devicePort + "/api/v1/device/session"))
                                .timeout(Duration.ofSeconds(20))
                                .header("Accept", "text/plain")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static String launch(String launcher, String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(launcher, command).redirectErrorStream(true);
        pb.environment().putAll(nodeEnv);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
