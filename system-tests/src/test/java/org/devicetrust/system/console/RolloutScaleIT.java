package org.devicetrust.system.console;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.devicetrust.system.device.DeviceCredentials;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The server side of firmware updates at fleet scale, for the benchmark ({@code ./devicetrust bench}), not the
 * suite: it runs only with {@code -Ddevicetrust.bench.ota=true}. One rollout over 100,000 registered devices
 * (devices {@code otab-000001} ... {@code otab-100000}; the first few hundred registered through the admin API with
 * certificates issued from {@code openssl req} CSRs, the rest inserted by SQL as {@link ConsoleScaleIT} does), then:
 *
 * <ul>
 *   <li>the time to create and start the rollout, and its console page in headless Chromium;
 *   <li>offers per second and image chunk MiB/s over mutual TLS on the device listener, beside the same bytes as
 *       static files of a web application deployed for the run on the same Payara, fetched over the same listener,
 *       by the same clients, with the same ranges (the reference: all the device API adds is its own path);
 *   <li>the cost of status reports (milliseconds each, reports per second), terminal ones judging the thresholds
 *       over the 100,000 updates;
 *   <li>threshold crossing to PAUSED: a device's FAILED report crosses the threshold (absolute maximum 1) while other
 *       devices poll for new offers; the time until the report is answered and until the database shows the rollout
 *       PAUSED, and the offers made after the crossing (expected: none). Resumed, and again.
 * </ul>
 *
 * <p>Figures are printed and written to {@code target/ota-server-bench.txt}; times never decide the outcome. The
 * client runs on the same machine as the server and the database, so it takes its share of the same cores.
 */
class RolloutScaleIT {

    static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    static final int FLEET = 100_000;
    static final String PREFIX = "otab-";
    static final int REPORTERS = Integer.getInteger("devicetrust.bench.ota.reporters", 200);
    static final int PAUSERS = Integer.getInteger("devicetrust.bench.ota.pausers", 100);
    static final int CERTIFIED = REPORTERS + PAUSERS;
    static final int THREADS = Integer.getInteger("devicetrust.bench.ota.threads", 4);
    static final int SECONDS = Integer.getInteger("devicetrust.bench.ota.seconds", 10);
    static final int ROUNDS = Integer.getInteger("devicetrust.bench.ota.rounds", 5);
    static final int SAMPLES = Math.max(1, Integer.getInteger("devicetrust.console.samples", 1));
    static final int PAYLOAD = 1 << 20;
    static final int CHUNK = 4096;
    static final String RELEASES = "/api/v1/admin/firmware/releases";
    static final String ROLLOUTS = "/api/v1/admin/rollouts";
    static final String STATIC_APP = "devicetrust-bench-static";
    static final String STATIC_ROOT = "/bench-static";

    private static final StringBuilder FIGURES = new StringBuilder();

    @TempDir
    static Path dir;

    /** Made at first use, so that the suite skips this class without a server. */
    private static final class Admin {
        /** HTTP/1.1: an HTTP/2 connection silent for 30 s (the whole fleet's rollout being created) is closed. */
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(SERVER.trustingRoot())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static List<Credential> certified;
    private static boolean staticDeployed;

    @BeforeAll
    static void onlyForTheBenchmark() {
        assumeTrue(Boolean.getBoolean("devicetrust.bench.ota"), "a benchmark: runs with -Ddevicetrust.bench.ota=true");
    }

    @AfterAll
    static void report() throws IOException {
        if (staticDeployed) {
            SERVER.asadmin(Path.of("target"), "undeploy", STATIC_APP);
        }
        if (FIGURES.length() > 0) {
            System.out.print(FIGURES);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "ota-server-bench.txt"), FIGURES);
        }
    }

    @Test
    void aRolloutOverTheWholeFleetOffersServesReportsAndPausesAtTheThreshold() throws Exception {
        cancelLeftoversOfEarlierRuns();
        seedFleet();
        Release release = release();
        line(
                "firmware updates, server side: one rollout over %,d devices, %d of them with certificates; %d client"
                        + " threads on the same %d cores as the server; image %,d bytes",
                FLEET, CERTIFIED, THREADS, Runtime.getRuntime().availableProcessors(), release.image().length);
        line("load average at the start: %s (the machine's other work shares the cores)", loadAverage());

        // ---- the rollout: 1/9/90 % groups (the certified devices are the first ids: group 1), pause at 1 failure
        String request = Json.createObjectBuilder()
                .add("releaseId", release.id())
                .add("deviceFilter", PREFIX)
                .add("groups", Json.createArrayBuilder().add(1).add(9).add(90))
                .add(
                        "error",
                        Json.createObjectBuilder()
                                .add("pct", 100)
                                .add("minExecuted", FLEET)
                                .add("absoluteMax", 1))
                .add("maxOffersPerMinute", FLEET)
                .add("chunkSize", CHUNK)
                .build()
                .toString();
        long started = System.nanoTime();
        HttpResponse<String> created = admin("POST", ROLLOUTS, request);
        double createSeconds = seconds(started);
        assertEquals(201, created.statusCode(), created.body());
        long rollout = json(created.body()).getJsonNumber("id").longValue();
        assertEquals(FLEET, count("SELECT COUNT(*) FROM update_execution WHERE rollout_id = " + rollout));
        started = System.nanoTime();
        HttpResponse<String> start = admin("POST", ROLLOUTS + "/" + rollout + "/start");
        double startSeconds = seconds(started);
        assertEquals(200, start.statusCode(), start.body());
        line(
                "rollout over %,d devices (filter, 3 groups): created in %.2f s (%.0f updates/s), started in %.3f s",
                FLEET, createSeconds, FLEET / createSeconds, startSeconds);

        consolePages(rollout);

        // ---- clients: one per device, each connected (mutual TLS) before anything is timed
        deployStaticReference(release.image());
        List<HttpClient> clients = new ArrayList<>();
        for (Credential c : certified) {
            HttpClient client = c.client();
            assertEquals(200, send(client, get(STATIC_ROOT + "/offer.bin")).statusCode());
            clients.add(client);
        }
        List<HttpClient> reporters = clients.subList(0, REPORTERS);

        // ---- first offers: QUEUED -> OFFERED, one per device, THREADS at a time
        String[] updateIds = new String[REPORTERS];
        AtomicInteger nextDevice = new AtomicInteger();
        started = System.nanoTime();
        parallel(THREADS, () -> {
            for (int i = nextDevice.getAndIncrement(); i < REPORTERS; i = nextDevice.getAndIncrement()) {
                HttpResponse<byte[]> offer = send(reporters.get(i), offerRequest());
                assertEquals(200, offer.statusCode(), "device " + i + " is offered the update");
                updateIds[i] = HexFormat.of().formatHex(offer.body(), 8, 24);
            }
            return null;
        });
        double firstOffers = seconds(started);
        line("new offers (QUEUED -> OFFERED, audited), %d devices: %.0f offers/s", REPORTERS, REPORTERS / firstOffers);

        // ---- offers polled again (the same open offer) vs a static 336-byte file, same clients
        Rate staticOffer = rate(reporters, (client, n) -> {
            HttpResponse<byte[]> r = send(client, get(STATIC_ROOT + "/offer.bin"));
            assertEquals(200, r.statusCode());
            return r.body().length;
        });
        Rate offers = rate(reporters, (client, n) -> {
            HttpResponse<byte[]> r = send(client, offerRequest());
            assertEquals(200, r.statusCode());
            assertEquals(336, r.body().length);
            return r.body().length;
        });
        line("%-58s %10s %14s %s", "", "device API", "static file", "");
        line(
                "%-58s %10.0f %14.0f  (%.2f of static)",
                "offers/s (GET /api/v1/device/update, open offer)",
                offers.perSecond(),
                staticOffer.perSecond(),
                offers.perSecond() / staticOffer.perSecond());

        // ---- image chunks: each client walks the image in CHUNK-byte ranges
        byte[] image = release.image();
        String etag = "\"" + release.manifestDigest() + "\"";
        Rate staticChunks = rate(reporters, (client, n) -> chunk(client, STATIC_ROOT + "/image.bin", null, image, n));
        Rate chunks = rate(reporters, (client, n) -> {
            int device = clients.indexOf(client);
            return chunk(client, "/api/v1/device/update/" + updateIds[device] + "/image", etag, image, n);
        });
        line(
                "%-58s %10.1f %14.1f  (%.2f of static)",
                "image MiB/s, " + CHUNK + "-byte Range requests",
                chunks.mebibytesPerSecond(),
                staticChunks.mebibytesPerSecond(),
                chunks.mebibytesPerSecond() / staticChunks.mebibytesPerSecond());
        line("%-58s %10.0f %14.0f", "  the same as requests/s", chunks.perSecond(), staticChunks.perSecond());

        // ---- status reports: DOWNLOADING, DOWNLOADED, INSTALLING, then SUCCEEDED (terminal: thresholds judged)
        List<Double> progressMs = Collections.synchronizedList(new ArrayList<>());
        List<Double> terminalMs = Collections.synchronizedList(new ArrayList<>());
        String[] states = {"DOWNLOADING", "DOWNLOADED", "INSTALLING", "SUCCEEDED"};
        long allReports = System.nanoTime();
        for (int seq = 1; seq <= states.length; seq++) {
            String state = states[seq - 1];
            List<Double> into = "SUCCEEDED".equals(state) ? terminalMs : progressMs;
            int s = seq;
            nextDevice.set(0);
            parallel(THREADS, () -> {
                for (int i = nextDevice.getAndIncrement(); i < REPORTERS; i = nextDevice.getAndIncrement()) {
                    String body = "SUCCEEDED".equals(state)
                            ? report(s, state, image.length, 0, release.version(), release.buildId(), 1)
                            : report(s, state, s == 1 ? 0 : image.length, 0, 3, "otab-old", 1);
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = send(reporters.get(i), statusRequest(updateIds[i], body));
                    into.add((System.nanoTime() - t0) / 1e6);
                    assertEquals(204, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
                }
                return null;
            });
        }
        double reportSeconds = seconds(allReports);
        assertEquals(
                REPORTERS,
                count("SELECT COUNT(*) FROM update_execution WHERE rollout_id = " + rollout
                        + " AND state = 'SUCCEEDED'"));
        line(
                "status reports, %d threads: %d in %.1f s, %.0f reports/s",
                THREADS, 4 * REPORTERS, reportSeconds, 4 * REPORTERS / reportSeconds);
        line(
                "  DOWNLOADING/DOWNLOADED/INSTALLING: %s ms per report (median, p99, max of %d)",
                summary(progressMs), progressMs.size());
        line(
                "  SUCCEEDED (thresholds judged over %,d updates): %s ms per report (median, p99, max of %d)",
                FLEET, summary(terminalMs), terminalMs.size());

        thresholdCrossings(rollout, clients.subList(REPORTERS, CERTIFIED));

        started = System.nanoTime();
        HttpResponse<String> stop = admin("POST", ROLLOUTS + "/" + rollout + "/stop");
        assertEquals(200, stop.statusCode(), stop.body());
        line(
                "rollout stopped in %.2f s (%,d queued and offered updates canceled)",
                seconds(started),
                count("SELECT COUNT(*) FROM update_execution WHERE rollout_id = " + rollout
                        + " AND state = 'CANCELED'"));
        line("load average at the end: %s", loadAverage());
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Rounds of: one device offered the update, other devices polling for new offers (each its own device, a poll
     * every 20 ms per thread), the first device's FAILED report crossing the threshold once a few offers were made;
     * then polls go on for a second, and the rollout is resumed for the next round.
     */
    private static void thresholdCrossings(long rollout, List<HttpClient> devices) throws Exception {
        ConcurrentLinkedDeque<HttpClient> queued = new ConcurrentLinkedDeque<>(devices);
        List<Double> answeredMs = new ArrayList<>();
        List<Double> pausedMs = new ArrayList<>();
        long offersAfterInDatabase = 0;
        long offersAfterAnswer = 0;
        int rounds = 0;
        for (; rounds < ROUNDS && queued.size() > 2 * THREADS + 4; rounds++) {
            HttpClient failing = queued.poll();
            HttpResponse<byte[]> offer = send(failing, offerRequest());
            assertEquals(200, offer.statusCode(), "round " + rounds + ": the rollout offers");
            String updateId = HexFormat.of().formatHex(offer.body(), 8, 24);

            AtomicInteger offeredThisRound = new AtomicInteger();
            AtomicLong answeredAt = new AtomicLong(Long.MAX_VALUE);
            AtomicInteger afterAnswer = new AtomicInteger();
            AtomicInteger polls = new AtomicInteger();
            long pollUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            AtomicLong stopPolling = new AtomicLong(pollUntil);
            ExecutorService pollers = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(pollers.submit(() -> {
                    while (System.nanoTime() < stopPolling.get()) {
                        HttpClient device = queued.poll();
                        if (device == null) {
                            return null;
                        }
                        long sent = System.nanoTime();
                        HttpResponse<byte[]> r = send(device, offerRequest());
                        polls.incrementAndGet();
                        if (r.statusCode() == 200) {
                            offeredThisRound.incrementAndGet();
                            if (sent > answeredAt.get()) {
                                afterAnswer.incrementAndGet();
                            }
                        } else {
                            assertEquals(204, r.statusCode());
                            queued.add(device);
                        }
                        Thread.sleep(20);
                    }
                    return null;
                }));
            }
            long wait = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (offeredThisRound.get() < 3 && System.nanoTime() < wait) {
                Thread.sleep(1);
            }
            assertTrue(offeredThisRound.get() >= 3, "offers flow before the crossing");

            try (Connection db = DeviceTrustServer.database();
                    PreparedStatement state = db.prepareStatement("SELECT state FROM rollout WHERE id = ?")) {
                state.setLong(1, rollout);
                AtomicLong pausedSeen = new AtomicLong();
                long sent = System.nanoTime();
                Thread watcher = new Thread(() -> {
                    try {
                        while (System.nanoTime() - sent < Duration.ofSeconds(10).toNanos()) {
                            try (ResultSet r = state.executeQuery()) {
                                r.next();
                                if ("PAUSED".equals(r.getString(1))) {
                                    pausedSeen.set(System.nanoTime());
                                    return;
                                }
                            }
                            Thread.sleep(1);
                        }
                    } catch (SQLException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                watcher.start();
                HttpResponse<byte[]> crossing =
                        send(failing, statusRequest(updateId, report(1, "FAILED", 0, 21, 3, "otab-old", 1)));
                long answered = System.nanoTime();
                answeredAt.set(answered);
                assertEquals(204, crossing.statusCode(), new String(crossing.body(), StandardCharsets.UTF_8));
                watcher.join();
                assertTrue(pausedSeen.get() > 0, "round " + rounds + ": the crossing report paused the rollout");
                answeredMs.add((answered - sent) / 1e6);
                pausedMs.add((pausedSeen.get() - sent) / 1e6);
            }
            stopPolling.set(System.nanoTime() + Duration.ofSeconds(1).toNanos());
            for (Future<?> f : running) {
                f.get();
            }
            pollers.shutdown();
            offersAfterAnswer += afterAnswer.get();
            try (Connection db = DeviceTrustServer.database();
                    Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT o.state, o.pause_reason, o.offers_at_pause,"
                            + " (SELECT COUNT(*) FROM update_execution e WHERE e.rollout_id = o.id"
                            + "  AND e.offered_at IS NOT NULL) FROM rollout o WHERE o.id = " + rollout)) {
                r.next();
                assertEquals("PAUSED", r.getString(1));
                assertEquals("THRESHOLD", r.getString(2));
                offersAfterInDatabase += r.getLong(4) - r.getLong(3);
            }
            HttpResponse<String> resumed = admin("POST", ROLLOUTS + "/" + rollout + "/resume");
            assertEquals(200, resumed.statusCode(), resumed.body());
        }
        assertTrue(rounds > 0, "at least one round");
        line(
                "threshold crossing -> PAUSED (absolute maximum 1 failure; %d threads polling for new offers),"
                        + " %d rounds:",
                THREADS, rounds);
        line("  crossing report answered after %s ms (median, p99, max)", summary(answeredMs));
        line(
                "  rollout PAUSED in the database after %s ms (median, p99, max; polled every ~1 ms from the sending)",
                summary(pausedMs));
        line(
                "  offers after the crossing: %d (database: offers made - offers at the pause), %d (polls sent after"
                        + " the answer that got an offer)",
                offersAfterInDatabase, offersAfterAnswer);
        assertEquals(0, offersAfterInDatabase, "no offer after the crossing");
        assertEquals(0, offersAfterAnswer, "no offer after the crossing");
    }

    private static void consolePages(long rollout) {
        List<Double> page = new ArrayList<>();
        List<Double> list = new ArrayList<>();
        try (ConsoleBrowser browser = new ConsoleBrowser("ota-scale")) {
            browser.signInExpectingConsole("admin", SERVER.adminPassword);
            for (int i = 0; i < SAMPLES + 1; i++) { // the first load warms the page's code paths: not counted
                double p = timePage(browser, "/console/rollout.xhtml?id=" + rollout);
                assertEquals("RUNNING", browser.text(By.id("rollout:state")));
                double l = timePage(browser, "/console/rollouts.xhtml");
                if (i > 0) {
                    page.add(p);
                    list.add(l);
                }
            }
            browser.open("/console/rollout.xhtml?id=" + rollout);
            browser.screenshot("rollout-100k");
        }
        line(
                "console, rollout page of the %,d-device rollout, full load: %s ms (median, p99, max of %d)",
                FLEET, summary(page), page.size());
        line("console, rollouts list, full load: %s ms (median, p99, max of %d)", summary(list), list.size());
    }

    private static double timePage(ConsoleBrowser browser, String path) {
        browser.open(path);
        Object ms = browser.driver.executeScript(
                "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;");
        return ((Number) ms).doubleValue();
    }

    // ------------------------------------------------------------------ fleet, release, reference

    /**
     * A run interrupted before it stopped its rollout leaves updates open on the fleet: stop those rollouts, and
     * end what a stop leaves open (downloaded or installing), so the fleet can be rolled out to again.
     */
    private static void cancelLeftoversOfEarlierRuns() throws SQLException {
        List<Long> open = new ArrayList<>();
        try (Connection db = DeviceTrustServer.database();
                Statement s = db.createStatement();
                ResultSet r = s.executeQuery("SELECT DISTINCT e.rollout_id FROM update_execution e JOIN rollout o"
                        + " ON o.id = e.rollout_id WHERE e.open_device_id LIKE '" + PREFIX + "%'"
                        + " AND o.state <> 'STOPPED'")) {
            while (r.next()) {
                open.add(r.getLong(1));
            }
        }
        for (long id : open) {
            admin("POST", ROLLOUTS + "/" + id + "/stop");
        }
        try (Connection db = DeviceTrustServer.database();
                Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE update_execution SET state = 'CANCELED', open_device_id = NULL,"
                    + " finished_at = now(), row_version = row_version + 1"
                    + " WHERE open_device_id LIKE '" + PREFIX + "%'");
        }
    }

    /** Devices otab-000001 ... otab-100000: the first CERTIFIED through the admin API, each with a new certificate. */
    private static void seedFleet() throws Exception {
        Set<String> registered = new java.util.HashSet<>();
        try (Connection db = DeviceTrustServer.database();
                Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery(
                    "SELECT id FROM device WHERE id LIKE '" + PREFIX + "%' AND id <= '" + id(CERTIFIED) + "'")) {
                while (r.next()) {
                    registered.add(r.getString(1));
                }
            }
            s.executeUpdate("INSERT INTO device (id, name, status, created_at, updated_at, version)"
                    + " SELECT '" + PREFIX + "' || lpad(g::text, 6, '0'), 'OTA bench sensor ' || g, 'ACTIVE',"
                    + "  now(), now(), 0"
                    + " FROM generate_series(" + (CERTIFIED + 1) + ", " + FLEET + ") g"
                    + " ON CONFLICT (id) DO NOTHING");
            s.execute("ANALYZE device");
        }
        assertEquals(0, count("SELECT COUNT(*) FROM device WHERE id LIKE '" + PREFIX + "%' AND status <> 'ACTIVE'"));
        long started = System.nanoTime();
        Credential[] credentials = new Credential[CERTIFIED];
        AtomicInteger next = new AtomicInteger();
        parallel(THREADS, () -> {
            for (int i = next.getAndIncrement(); i < CERTIFIED; i = next.getAndIncrement()) {
                String id = id(i + 1);
                if (!registered.contains(id)) {
                    SERVER.registerDevice(id, "OTA bench device " + (i + 1));
                }
                credentials[i] = DeviceCredentials.issue(dir, id, id);
            }
            return null;
        });
        certified = List.of(credentials);
        assertEquals(FLEET, count("SELECT COUNT(*) FROM device WHERE id LIKE '" + PREFIX + "%'"));
        System.out.printf(Locale.ROOT, "fleet ready; %d certificates issued in %.1f s%n", CERTIFIED, seconds(started));
    }

    private static String id(int n) {
        return PREFIX + String.format(Locale.ROOT, "%06d", n);
    }

    record Release(long id, long version, String buildId, String manifestDigest, byte[] image) {}

    /** A 1 MiB payload signed by the backend, approved (the uploader made "another admin" as DeviceUpdateApiIT does). */
    private static Release release() throws Exception {
        String build = "otab-" + UUID.randomUUID().toString().substring(0, 8);
        int securityVersion = Math.max(
                0, json(SERVER.admin("GET", RELEASES, null, null).body()).getInt("highestApprovedSecurityVersion"));
        byte[] payload = new byte[PAYLOAD];
        new SecureRandom().nextBytes(payload);
        HttpResponse<String> created = DeviceTrustServer.send(
                Admin.CLIENT,
                adminRequest(RELEASES + "?version=9&securityVersion=" + securityVersion
                                + "&loadAddress=0x80200000&buildId=" + build)
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build());
        assertEquals(201, created.statusCode(), created.body());
        JsonObject r = json(created.body());
        long id = r.getJsonNumber("id").longValue();
        byte[] image = SERVER.approveReleaseOfAnotherUploader(id);
        return new Release(id, 9, build, r.getString("manifestDigest"), image);
    }

    /**
     * The reference: the release image and a 336-byte file (an offer's size) as static files of a web application
     * with nothing but them, deployed on the same server; reached over the device listener like the device API.
     */
    private static void deployStaticReference(byte[] image) throws IOException {
        Path war = Path.of("target", STATIC_APP + ".war").toAbsolutePath();
        byte[] offerSized = new byte[336];
        new SecureRandom().nextBytes(offerSized);
        try (OutputStream out = Files.newOutputStream(war);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
            zip.write(("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>\n")
                    .getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new ZipEntry("image.bin"));
            zip.write(image);
            zip.putNextEntry(new ZipEntry("offer.bin"));
            zip.write(offerSized);
        }
        Run r = SERVER.asadmin(
                Path.of("target"),
                "deploy",
                "--force=true",
                "--name",
                STATIC_APP,
                "--contextroot",
                STATIC_ROOT,
                war.toString());
        assertEquals(0, r.exitCode(), r.output());
        staticDeployed = true;
    }

    // ------------------------------------------------------------------ load

    interface Call {
        /** The n-th call of this client; returns the bytes received. */
        long call(HttpClient client, long n) throws Exception;
    }

    record Rate(long requests, long bytes, double seconds) {
        double perSecond() {
            return requests / seconds;
        }

        double mebibytesPerSecond() {
            return bytes / seconds / (1 << 20);
        }
    }

    /** THREADS threads, each calling with its share of the clients in turn: 2 s unmeasured, then SECONDS measured. */
    private static Rate rate(List<HttpClient> clients, Call call) throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long warmUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long until = warmUntil + Duration.ofSeconds(SECONDS).toNanos();
        AtomicInteger thread = new AtomicInteger();
        parallel(THREADS, () -> {
            int t = thread.getAndIncrement();
            long n = 0;
            for (long now = System.nanoTime(); now < until; now = System.nanoTime()) {
                HttpClient client =
                        clients.get((int) ((t + (long) THREADS * (n % (clients.size() / THREADS))) % clients.size()));
                long got = call.call(client, n++);
                if (now >= warmUntil) {
                    requests.incrementAndGet();
                    bytes.addAndGet(got);
                }
            }
            return null;
        });
        return new Rate(requests.get(), bytes.get(), SECONDS);
    }

    /** The n-th chunk of the image (wrapping around), checked byte for byte. */
    private static long chunk(HttpClient client, String path, String ifMatch, byte[] image, long n) throws Exception {
        int chunks = (image.length + CHUNK - 1) / CHUNK;
        int first = (int) (n % chunks) * CHUNK;
        int last = Math.min(first + CHUNK, image.length) - 1;
        HttpRequest.Builder r = get(path).header("Range", "bytes=" + first + "-" + last);
        if (ifMatch != null) {
            r.header("If-Match", ifMatch);
        }
        HttpResponse<byte[]> answer = send(client, r);
        assertEquals(206, answer.statusCode(), path);
        assertArrayEquals(Arrays.copyOfRange(image, first, last + 1), answer.body());
        return answer.body().length;
    }

    interface Job {
        Object run() throws Exception;
    }

    private static void parallel(int threads, Job job) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Object>> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                all.add(pool.submit(job::run));
            }
            for (Future<Object> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    // ------------------------------------------------------------------ requests

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(SERVER.device(path)).timeout(Duration.ofSeconds(60));
    }

    private static HttpRequest.Builder offerRequest() {
        return get("/api/v1/device/update").header("Accept", "application/vnd.devicetrust.offer");
    }

    private static HttpRequest.Builder statusRequest(String updateId, String body) {
        return get("/api/v1/device/update/" + updateId + "/status")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private static String report(long seq, String state, long offset, int code, long version, String build, int sv) {
        return "{\"seq\":" + seq + ",\"state\":\"" + state + "\",\"offset\":" + offset + ",\"code\":" + code
                + ",\"runningVersion\":" + version + ",\"buildId\":\"" + build + "\",\"efuseSv\":" + sv + "}";
    }

    private static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder adminRequest(String path) {
        return HttpRequest.newBuilder(SERVER.https(path))
                .timeout(Duration.ofMinutes(10))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                ("admin:" + SERVER.adminPassword).getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> admin(String method, String path) {
        return admin(method, path, null);
    }

    /** An admin API call that may take minutes (a rollout over the whole fleet is one transaction). */
    private static HttpResponse<String> admin(String method, String path, String json) {
        HttpRequest.Builder r = adminRequest(path)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            r.header("Content-Type", "application/json");
        }
        return DeviceTrustServer.send(Admin.CLIENT, r.build());
    }

    // ------------------------------------------------------------------ figures

    private static long count(String sql) throws SQLException {
        try (Connection db = DeviceTrustServer.database();
                Statement s = db.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            assertTrue(r.next());
            return r.getLong(1);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void line(String format, Object... args) {
        FIGURES.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static String summary(List<Double> ms) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return "-";
        }
        double median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", median, p99, sorted[sorted.length - 1]);
    }
}
