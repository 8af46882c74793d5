package org.devicetrust.cli;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.CrlFactory;
import org.devicetrust.pki.control.CsrValidator;
import org.devicetrust.platform.entity.DeviceId;

/**
 * {@code bench pki}: the pure issuance path and CRL generation in this process;
 * {@code bench issue}: CSR to stored certificate through the running server's CA boundary (admin API).
 * Prints figures only; never judges them.
 */
final class BenchCommand {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private BenchCommand() {}

    static int run(String[] args) {
        if (args.length == 0) {
            throw new CommandException(
                    "usage: bench pki [--crl-sizes 10000,100000,1000000] | bench view [--certificates N] [--devices N] | bench issue --url URL "
                            + "--root-ca PEM --password-file F [--count N] [--threads N]",
                    2);
        }
        try {
            return switch (args[0]) {
                case "pki" -> pki(option(args, "--crl-sizes", "10000,100000,1000000"));
                case "view" ->
                    ViewBench.run(
                            Integer.parseInt(option(args, "--certificates", "1000000")),
                            Integer.parseInt(option(args, "--devices", "1000000")));
                case "issue" ->
                    issue(
                            URI.create(required(args, "--url")),
                            Path.of(required(args, "--root-ca")),
                            Files.readString(Path.of(required(args, "--password-file")))
                                    .strip(),
                            Integer.parseInt(option(args, "--count", "2000")),
                            Integer.parseInt(option(args, "--threads", "8")));
                default -> throw new CommandException("unknown bench " + args[0], 2);
            };
        } catch (CommandException e) {
            throw e;
        } catch (Exception e) {
            throw new CommandException("benchmark failed: " + e);
        }
    }

    private static int pki(String crlSizes) throws Exception {
        CaCredential ca = testCa();
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "issuance (controls only: CSR check with proof of possession, build, sign, self-check), "
                        + "%d threads: %.0f certs/s%n",
                threads, controlsOnly(ca, 4000, threads));

        CrlFactory crls = new CrlFactory(BC);
        Instant now = Instant.now();
        SecureRandom random = new SecureRandom();
        for (String size : crlSizes.split(",")) {
            int entries = Integer.parseInt(size.strip());
            List<CrlFactory.RevokedEntry> revoked = new ArrayList<>(entries);
            for (int i = 0; i < entries; i++) {
                revoked.add(new CrlFactory.RevokedEntry(new BigInteger(159, random).setBit(158), now, 1));
            }
            long t0 = System.nanoTime();
            CrlFactory.SignedCrl crl =
                    crls.create(ca, BigInteger.valueOf(entries), now, now.plusSeconds(86400), revoked);
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf(
                    "CRL with %,d entries: generated, signed and verified in %.0f ms, %,d bytes%n",
                    entries, ms, crl.der().length);
        }
        return 0;
    }

    /** Certificates per second through the issuance controls alone (no HTTP, no database), on all cores. */
    private static double controlsOnly(CaCredential ca, int n, int threads) throws Exception {
        var factory = new org.devicetrust.pki.control.CertificateFactory(BC, new SecureRandom(), Clock.systemUTC());
        var validator = new CsrValidator(BC);
        List<byte[]> csrs = csrs(n, "bench");
        for (int i = 0; i < 300; i++) { // warm-up
            factory.device(
                    ca,
                    new DeviceId("bench-" + i),
                    validator.validate(csrs.get(i)).publicKey(),
                    Duration.ofDays(365),
                    URI.create("http://localhost/crl"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            work.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    factory.device(
                            ca,
                            new DeviceId("bench-" + i),
                            validator.validate(csrs.get(i)).publicKey(),
                            Duration.ofDays(365),
                            URI.create("http://localhost/crl"));
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static int issue(URI base, Path rootCa, String password, int count, int threads) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(rootCa)).build();
        String auth =
                "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        // A factory line: one new device per certificate, all registered before the clock starts. (Issuance
        // to one device is serialized on purpose, by the lock on its row.)
        String prefix = "bench-issue-" + Long.toString(System.currentTimeMillis(), 36);
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < count + 200; i++) {
            devices.add(prefix + "-" + i);
        }
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        registerAll(client, base, auth, pool, devices);
        List<byte[]> csrs = csrs(devices);
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < csrs.size(); ) {
                try {
                    HttpResponse<Void> r = client.send(
                            HttpRequest.newBuilder(target(base, devices.get(i)))
                                    .header("Authorization", auth)
                                    .header("Content-Type", "application/pkcs10")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(csrs.get(i)))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 201) {
                        failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }
        };
        // warm-up: the first 200
        for (int i = 0; i < 200; i++) {
            client.send(
                    HttpRequest.newBuilder(target(base, devices.get(i)))
                            .header("Authorization", auth)
                            .header("Content-Type", "application/pkcs10")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(csrs.get(i)))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        next.set(200);
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            work.add(pool.submit(worker));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "issuance through the CA boundary (HTTPS admin API, CSR -> verified, stored, audited "
                        + "certificate, one device each), %d clients: %.0f certs/s (%d certificates, %d failed)%n",
                threads, count / seconds, count, failures.get());
        int batchFailures = issueInBatches(client, auth, base, prefix + "-b", count, threads);
        return failures.get() == 0 && batchFailures == 0 ? 0 : 1;
    }

    /** The same through the batch endpoint: {@link #BATCH} CSRs per request, one transaction each. */
    private static int issueInBatches(HttpClient client, String auth, URI base, String prefix, int count, int clients)
            throws Exception {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < count + BATCH; i++) {
            devices.add(prefix + "-" + i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        registerAll(client, base, auth, pool, devices);
        List<byte[]> csrs = csrs(devices);
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < devices.size(); from += BATCH) {
            StringBuilder body = new StringBuilder("{\"requests\":[");
            for (int i = from; i < Math.min(devices.size(), from + BATCH); i++) {
                String pem = "-----BEGIN CERTIFICATE REQUEST-----\\n"
                        + Base64.getEncoder().encodeToString(csrs.get(i))
                        + "\\n-----END CERTIFICATE REQUEST-----\\n";
                body.append(i == from ? "" : ",")
                        .append("{\"deviceId\":\"")
                        .append(devices.get(i))
                        .append("\",\"csr\":\"")
                        .append(pem)
                        .append("\"}");
            }
            bodies.add(body.append("]}").toString());
        }
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger next = new AtomicInteger(1); // the first batch warms up
        sendBatch(client, auth, base, bodies.get(0), new AtomicInteger(), new AtomicInteger());
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            work.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                    sendBatch(client, auth, base, bodies.get(i), issued, failures);
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "issuance through the batch endpoint (HTTPS admin API, %d CSRs per request and transaction, the"
                        + " same checks), %d clients: %.0f certs/s (%d certificates, %d failed)%n",
                BATCH, clients, issued.get() / seconds, issued.get(), failures.get());
        return failures.get();
    }

    private static final int BATCH = 100;

    private static void sendBatch(
            HttpClient client, String auth, URI base, String body, AtomicInteger issued, AtomicInteger failures) {
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(base.resolve("/api/v1/admin/issuances"))
                            .header("Authorization", auth)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            int ok = r.statusCode() == 200 ? countOf(r.body(), "\"status\":201") : 0;
            issued.addAndGet(ok);
            failures.addAndGet(BATCH - ok);
        } catch (Exception e) {
            failures.addAndGet(BATCH);
        }
    }

    private static int countOf(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static List<byte[]> csrs(int n, String cn) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        List<byte[]> csrs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            KeyPair keys = generator.generateKeyPair();
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(
                            new X500Name("CN=" + cn), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .setProvider(BC)
                            .build(keys.getPrivate()));
            csrs.add(csr.getEncoded());
        }
        return csrs;
    }

    private static URI target(URI base, String device) {
        return base.resolve("/api/v1/admin/devices/" + device + "/certificates");
    }

    /** One P-256 key and CSR per device, with the device id as CN. */
    private static List<byte[]> csrs(List<String> devices) throws Exception {
        List<byte[]> csrs = new ArrayList<>(devices.size());
        for (String device : devices) {
            csrs.addAll(csrs(1, device));
        }
        return csrs;
    }

    private static CaCredential testCa() throws Exception {
        var factory = new org.devicetrust.pki.control.CertificateFactory(BC, new SecureRandom(), Clock.systemUTC());
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC", BC);
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair rootKeys = p384.generateKeyPair();
        X509Certificate root = factory.rootCa(rootKeys.getPublic(), rootKeys.getPrivate());
        CaCredential rootCredential = new CaCredential(root, rootKeys.getPrivate(), List.of(root));
        KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC", BC);
        p256.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKeys = p256.generateKeyPair();
        X509Certificate deviceCa = factory.deviceCa(rootCredential, caKeys.getPublic());
        return new CaCredential(deviceCa, caKeys.getPrivate(), List.of(deviceCa, root));
    }

    private static SSLContext trusting(Path rootPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(rootPem)) {
            trust.setCertificateEntry(
                    "root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String required(String[] args, String name) {
        String value = option(args, name, null);
        if (value == null) {
            throw new CommandException(name + " is required", 2);
        }
        return value;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 1; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** Registers every bench device through the admin API on the given pool; any refusal stops the bench. */
    private static void registerAll(
            HttpClient client, URI base, String auth, ExecutorService pool, List<String> devices) throws Exception {
        List<Future<?>> registrations = new ArrayList<>();
        for (String device : devices) {
            registrations.add(pool.submit(() -> {
                HttpResponse<String> registered = client.send(
                        HttpRequest.newBuilder(base.resolve("/api/v1/admin/devices"))
                                .header("Authorization", auth)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"id\":\"" + device + "\",\"name\":\"bench\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (registered.statusCode() != 201) {
                    throw new CommandException("cannot register the bench device " + device + ": "
                            + registered.statusCode() + " " + registered.body());
                }
                return null;
            }));
        }
        for (Future<?> registration : registrations) {
            registration.get();
        }
    }
}
