package org.devicetrust.system.cluster;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.devicetrust.system.IssuanceAfterKill;
import org.devicetrust.system.device.DeviceCredentials;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./devicetrust cluster start --nodes 2}: two Payara instances in a deployment group behind HAProxy, one
 * PostgreSQL. Every request here goes through the balancer, on the ports a single server would use. Both instances
 * serve the console and admin API (HTTPS ended at HAProxy) and the device API (TCP passed through, so the device's
 * client certificate reaches Payara); then one instance is killed with {@code kill -9} in the middle of an issuance
 * burst: the other goes on serving, every certificate a client was answered 201 for exists and verifies, no serial
 * is stored twice, every "certificate issued" audit record names a stored certificate and the chain verifies.
 * Run on its own (profile cluster-tests, docs/deployment.md); it starts and stops the cluster itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final String[] INSTANCES = {"devicetrust-1", "devicetrust-2"};
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        assumeTrue(
                System.getProperty("devicetrust.launcher") != null
                        && System.getenv("DEVICETRUST_PORT_BASE") != null
                        && System.getenv("DEVICETRUST_DB_URL") != null
                        && System.getenv("DEVICETRUST_ADMIN_PASSWORD") != null,
                "needs the launcher, a port base, PostgreSQL and the first administrator's password");
        long t0 = System.nanoTime();
        Run start = launch("start", "--nodes", "2");
        System.out.printf("cluster: started in %d s%n", (System.nanoTime() - t0) / 1_000_000_000L);
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(start.output().contains("2 instances behind HAProxy"), start.output());
        assertTrue(start.output().contains("https://localhost:" + SERVER.httpsPort + "/console/"), start.output());
        assertTrue(start.output().contains("user: admin"), start.output());
    }

    @AfterAll
    static void stopCluster() {
        if (System.getProperty("devicetrust.launcher") != null && !Boolean.getBoolean("devicetrust.cluster.keep")) {
            launch("stop");
        }
    }

    @Test
    @Order(1)
    void bothInstancesServeConsoleAdminApiAndDevicesThroughTheBalancer() throws Exception {
        Run status = launch("status");
        assertEquals(0, status.exitCode(), status.output());

        // console over HTTPS: HAProxy names the instance that answered in its cookie (not sent back here, so
        // round robin goes on; one request after the other, so that nothing else takes every second turn)
        Set<String> consoleNodes = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> console = SERVER.get(SERVER.https("/console/"));
            assertTrue(console.statusCode() < 400, "console through the balancer: " + console.statusCode());
            console.headers()
                    .allValues("set-cookie")
                    .forEach(c -> consoleNodes.add(c.replaceAll("^DEVICETRUST_NODE=([^;]*).*$", "$1")));
        }
        assertEquals(Set.of(INSTANCES), consoleNodes, "both instances answer the console");
        // admin API: both instances' session counters in HAProxy grow
        Map<String, Long> adminBefore = sessions("console");
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = SERVER.admin("GET", "/api/v1/admin/devices?size=1", null, null);
            assertEquals(200, r.statusCode(), r.body());
        }
        Map<String, Long> adminAfter = sessions("console");
        for (String instance : INSTANCES) {
            assertTrue(
                    adminAfter.get(instance) > adminBefore.get(instance),
                    "admin API served by " + instance + ": " + adminAfter);
        }

        // device API: mutual TLS through the TCP passthrough; a new connection each time, spread over both
        Credential device = DeviceCredentials.registeredDevice(dir, "cluster");
        Map<String, Long> before = sessions("devices");
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> session = device.client()
                    .send(
                            HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("Accept", "text/plain")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, session.statusCode(), "the device's certificate reaches Payara: " + session.body());
            assertTrue(session.body().contains(device.deviceId()), session.body());
        }
        Map<String, Long> after = sessions("devices");
        for (String instance : INSTANCES) {
            assertTrue(after.get(instance) > before.get(instance), "devices served by " + instance + ": " + after);
        }
        // without a client certificate Payara itself refuses the handshake: the balancer does not end device TLS
        HttpClient anonymous = HttpClient.newBuilder()
                .sslContext(SERVER.trustingRoot())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        assertThrows(
                IOException.class,
                () -> anonymous.send(
                        HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        System.out.printf(
                "cluster: console on %s; device sessions per instance %s -> %s%n", consoleNodes, before, after);
    }

    @Test
    @Order(2)
    void killingOneInstanceDuringAnIssuanceBurstLosesNothingAcknowledged() throws Exception {
        String prefix = "cluster-kill-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        int devices = 1200;
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<String>> registered = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            String id = prefix + "-" + i;
            registered.add(pool.submit(() -> SERVER.registerDevice(id, "cluster kill test")));
        }
        List<String> ids = new ArrayList<>(devices);
        for (var f : registered) {
            ids.add(f.get());
        }
        List<String> csrs = DeviceTrustServer.csrs(ids);

        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // serial -> PEM, as answered with 201
        AtomicInteger beforeKill = new AtomicInteger();
        AtomicInteger afterKill = new AtomicInteger();
        AtomicInteger refusedOrCut = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger next = new AtomicInteger();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(SERVER.trustingRoot())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String auth = "Basic "
                + Base64.getEncoder()
                        .encodeToString(("admin:" + SERVER.adminPassword).getBytes(StandardCharsets.UTF_8));
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
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
                            (killed.get() ? afterKill : beforeKill).incrementAndGet();
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
        while (beforeKill.get() < 100) {
            assertTrue(System.nanoTime() < deadline, "the burst did not get going: " + beforeKill);
            Thread.sleep(20);
        }
        Path pidFile = SERVER.home.resolve("payara6/glassfish/nodes/localhost-devicetrust/devicetrust-2/config/pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle instance = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no instance pid " + pid));
        assertTrue(
                instance.info().commandLine().orElse("").contains("devicetrust-2"),
                "pid " + pid + " is not instance devicetrust-2");
        Run kill = DeviceTrustServer.run(dir, "kill", "-9", Long.toString(pid));
        assertEquals(0, kill.exitCode(), kill.output());
        killed.set(true);
        instance.onExit().get(30, TimeUnit.SECONDS);
        long killedAt = System.nanoTime();
        // the survivor carries the burst on through the balancer
        while (afterKill.get() < 100 && next.get() < devices) {
            assertTrue(
                    System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(90),
                    "the surviving instance did not take the burst over: " + afterKill);
            Thread.sleep(20);
        }
        stop.set(true);
        for (var w : work) {
            w.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf(
                "cluster kill -9: acknowledged %d before and %d after the kill of devicetrust-2; %d refused or cut"
                        + " off%n",
                beforeKill.get(), afterKill.get(), refusedOrCut.get());

        IssuanceAfterKill.Outcome outcome = IssuanceAfterKill.check(SERVER, prefix, acknowledged);
        System.out.printf(
                "cluster kill -9: %d acknowledged certificates found and verified; %d stored, %d issued records%n",
                outcome.verified(), outcome.stored(), outcome.issuedRecords());

        // cluster start brings the killed instance back; the balancer sends it traffic again once it is ready
        long t0 = System.nanoTime();
        Run start = launch("start", "--nodes", "2");
        assertEquals(0, start.exitCode(), start.output());
        System.out.printf(
                "cluster kill -9: audit chain intact (%s); devicetrust-2 back in %d s%n",
                outcome.chainChecked(), (System.nanoTime() - t0) / 1_000_000_000L);
        Run status = launch("status");
        assertEquals(0, status.exitCode(), status.output());
    }

    /** HAProxy's total sessions per server of one backend, from its stats socket. */
    private static Map<String, Long> sessions(String backend) throws IOException {
        Path socket = SERVER.home.resolve("cluster/haproxy/admin.sock");
        StringBuilder csv = new StringBuilder();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                csv.append(StandardCharsets.US_ASCII.decode(buffer));
                buffer.clear();
            }
        }
        String[] lines = csv.toString().split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int stot = header.indexOf("stot");
        Map<String, Long> sessions = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            if (f.length > stot && f[0].equals(backend) && f[1].startsWith("devicetrust-")) {
                sessions.put(f[1], Long.parseLong(f[stot]));
            }
        }
        assertEquals(Set.of(INSTANCES), sessions.keySet(), "backend " + backend + " in HAProxy: " + csv);
        return sessions;
    }

    private static Run launch(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = System.getProperty("devicetrust.launcher");
        command[1] = "cluster";
        System.arraycopy(args, 0, command, 2, args.length);
        return DeviceTrustServer.run(Path.of("."), command);
    }
}
