package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.assertProblem;
import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EAR on Payara Server with the CA keys in a PKCS#11 token (SoftHSM2): a server of its own, started here by
 * the launcher with a fresh token found by its label, the PIN in an owner-only file, and a database of its own.
 * Bootstrap generates the keys in the token; certificates, CRLs and a firmware release are signed there and
 * checked with OpenSSL; no CA private key is in any file under the server's home. Last, the token's files vanish
 * under the running server: issuance, CRL publication and firmware signing answer 503 ca-unavailable, readiness
 * reports device-ca-key DOWN, and no key file appears. One server start for all of it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HsmKeyStoreFaultIT {

    private static final int OFFSET = 700;
    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final String LABEL = "devicetrust-online";
    private static final List<String> CA_ALIASES = List.of("root-ca", "device-ca", "firmware-signing", "ocsp-signer");

    private static Path home;
    private static Path hsm;
    private static Map<String, String> serverEnv;
    private static String bootstrapOutput;
    private static String dbUrl;
    private static DeviceTrustServer server;
    private static String goneDevice;
    private static String goneCsr;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServerWithTheKeysInAToken() throws Exception {
        String launcher = System.getProperty("devicetrust.launcher");
        String base = System.getenv("DEVICETRUST_PORT_BASE");
        String db = System.getenv("DEVICETRUST_DB_URL");
        assumeTrue(
                launcher != null && base != null && db != null,
                "needs the launcher, a port base and PostgreSQL (as the test command runs it)");
        assumeTrue(Files.isRegularFile(LIBRARY), "SoftHSM2 is not installed");
        dbUrl = System.getenv().getOrDefault("DEVICETRUST_HSM_DB_URL", db + "_hsm");
        int portBase = Integer.parseInt(base.strip()) + OFFSET;

        // the token lives outside the server's home, as an HSM does
        hsm = Files.createTempDirectory("devicetrust-softhsm");
        Path tokens = Files.createDirectory(hsm.resolve("tokens"));
        Path conf = hsm.resolve("softhsm2.conf");
        Files.writeString(
                conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        String userPin = UUID.randomUUID().toString();
        Path pinFile = hsm.resolve("pkcs11.pin");
        Files.createFile(pinFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pinFile, userPin + "\n");
        Run init = runWith(
                Map.of("SOFTHSM2_CONF", conf.toString()),
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                LABEL,
                "--so-pin",
                UUID.randomUUID().toString(),
                "--pin",
                userPin);
        assertEquals(0, init.exitCode(), init.output());

        home = Files.createTempDirectory("devicetrust-hsm");
        String adminPassword = UUID.randomUUID().toString().replace("-", "");
        serverEnv = new HashMap<>(Map.of(
                "DEVICETRUST_HOME", home.toString(),
                "DEVICETRUST_PORT_BASE", String.valueOf(portBase),
                "DEVICETRUST_DB_URL", dbUrl,
                "DEVICETRUST_ADMIN_PASSWORD", adminPassword,
                "DEVICETRUST_PKCS11_LIBRARY", LIBRARY.toString(),
                "DEVICETRUST_PKCS11_TOKEN_LABEL", LABEL,
                "DEVICETRUST_PKCS11_PIN_FILE", pinFile.toString(),
                "SOFTHSM2_CONF", conf.toString()));
        long started = System.nanoTime();
        Run start = runWith(serverEnv, launcher, "start");
        System.out.printf("HSM server started in %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        bootstrapOutput = start.output();
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(start.output().contains("DeviceTrust is running"), start.output());
        server = DeviceTrustServer.startedAt(home, portBase, adminPassword);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (home != null) {
            runWith(serverEnv, System.getProperty("devicetrust.launcher"), "stop");
            deleteTree(home); // its own Payara installation (~400 MB)
        }
        if (hsm != null) {
            deleteTree(hsm);
        }
    }

    @Test
    @Order(1)
    void bootstrapGeneratesTheCaKeysInTheTokenAndNoFileUnderTheHomeHoldsOne() throws Exception {
        assertTrue(bootstrapOutput.contains("generated in PKCS#11 token '" + LABEL + "' in slot "), bootstrapOutput);
        assertTrue(bootstrapOutput.contains("(sensitive, not extractable)"), bootstrapOutput);
        assertFalse(bootstrapOutput.contains(Files.readString(Path.of(serverEnv.get("DEVICETRUST_PKCS11_PIN_FILE")))
                .strip()));
        assertFalse(Files.exists(server.pkiDir.resolve("devicetrust-ca.p12")), "no CA key store file");

        List<PublicKey> caKeys = new ArrayList<>();
        for (String pem : List.of("root-ca.pem", "device-ca.pem", "firmware-signing.pem")) {
            caKeys.add(certificate(server.pkiDir.resolve(pem)).getPublicKey());
        }
        char[] tlsPassword = Files.readString(server.dataDir.resolve("secrets/tls-keystore.pass"))
                .strip()
                .toCharArray();
        List<char[]> knownPasswords = List.of(tlsPassword, "changeit".toCharArray());
        List<String> keyStores = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] head = firstBytes(file, 2);
                if (head.length == 2 && head[0] == 0x30 && (head[1] & 0xff) >= 0x80 && Files.size(file) < 4 << 20) {
                    scanKeyStore(file, knownPasswords, caKeys, keyStores, findings);
                } else if (Files.size(file) < 4 << 20 && containsPemPrivateKey(file)) {
                    findings.add(home.relativize(file) + " holds a PEM private key");
                }
            }
        }
        System.out.println("key stores under the server's home: " + keyStores);
        assertTrue(
                keyStores.stream().anyMatch(s -> s.startsWith("data/pki/server-keystore.p12")),
                "the walk found the TLS key store: " + keyStores);
        assertEquals(List.of(), findings);
    }

    @Test
    @Order(2)
    void aDeviceCertificateAndTheCrlSignedInTheTokenVerifyWithOpenssl() throws Exception {
        String id = server.registerDevice("hsm-" + System.nanoTime() % 1_000_000, "device of the HSM test");
        String csr = opensslCsr(dir, "device", id);
        HttpResponse<String> issued =
                server.admin("POST", "/api/v1/admin/devices/" + id + "/certificates", "application/x-pem-file", csr);
        assertEquals(201, issued.statusCode(), issued.body());
        JsonObject certificate = json(issued.body());
        Files.writeString(dir.resolve("device.pem"), certificate.getString("pem"));
        fetch("/pki/ca/ca-chain.pem", "chain.pem");
        Run verify = run(dir, "openssl", "verify", "-CAfile", "chain.pem", "device.pem");
        assertEquals(0, verify.exitCode(), verify.output());

        HttpResponse<String> published = server.admin("POST", "/api/v1/admin/crl", null, null);
        assertEquals(200, published.statusCode(), published.body());
        String crl = fetchCrl("device-ca.crl");
        Run crlVerify = run(dir, "openssl", "crl", "-in", crl, "-CAfile", "chain.pem", "-noout");
        assertEquals(0, crlVerify.exitCode(), crlVerify.output());
        assertTrue(crlVerify.output().contains("verify OK"), crlVerify.output());
        Run checked =
                run(dir, "openssl", "verify", "-CAfile", "chain.pem", "-crl_check", "-CRLfile", crl, "device.pem");
        assertEquals(0, checked.exitCode(), checked.output());
        assertTrue(checked.output().contains("device.pem: OK"), checked.output());

        HttpResponse<String> revoked = server.admin(
                "POST",
                "/api/v1/admin/certificates/" + certificate.getString("serial") + "/revocation",
                "application/json",
                "{\"reason\":\"keyCompromise\"}");
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(200, server.admin("POST", "/api/v1/admin/crl", null, null).statusCode());
        String after = fetchCrl("device-ca.crl");
        Run refused =
                run(dir, "openssl", "verify", "-CAfile", "chain.pem", "-crl_check", "-CRLfile", after, "device.pem");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("certificate revoked"), refused.output());
    }

    @Test
    @Order(3)
    void aFirmwareReleaseSignedInTheTokenVerifiesWithOpensslAgainstTheFirmwareKey() throws Exception {
        byte[] payload = new byte[5000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        String build = "hsm-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created =
                uploadRelease("?version=3&securityVersion=0&loadAddress=0x80200000&buildId=" + build, payload);
        assertEquals(201, created.statusCode(), created.body());
        JsonObject release = json(created.body());
        assertEquals("SIGNED", release.getString("state"));

        X509Certificate firmwareCertificate = certificate(server.pkiDir.resolve("firmware-signing.pem"));
        byte[] point = rawPoint((ECPublicKey) firmwareCertificate.getPublicKey());
        assertEquals(hex(sha256(concat(new byte[] {0x04}, point))), release.getString("keyDigest"));

        byte[] image = storedImage(release.getJsonNumber("id").longValue());
        byte[] manifest = Arrays.copyOfRange(image, 0, 128);
        long imageSize = Integer.toUnsignedLong(
                ByteBuffer.wrap(manifest, 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(payload.length, imageSize, "the manifest's image size");
        int block = (int) (128 + (imageSize + 15) / 16 * 16);
        assertEquals(block + 176, image.length);
        assertEquals(0xe7, image[block] & 0xff, "signature block magic");
        assertArrayEquals(sha256(manifest), Arrays.copyOfRange(image, block + 4, block + 36));
        assertEquals(hex(sha256(manifest)), release.getString("manifestDigest"));
        assertArrayEquals(point, Arrays.copyOfRange(image, block + 40, block + 104), "the firmware key signed it");
        byte[] r = Arrays.copyOfRange(image, block + 104, block + 136);
        byte[] s = Arrays.copyOfRange(image, block + 136, block + 168);

        Files.write(dir.resolve("manifest.bin"), manifest);
        Files.write(dir.resolve("signature.der"), derSignature(r, s));
        Files.writeString(
                dir.resolve("firmware-signing.pem"), Files.readString(server.pkiDir.resolve("firmware-signing.pem")));
        Run key = run(dir, "openssl", "x509", "-in", "firmware-signing.pem", "-pubkey", "-noout", "-out", "fw.pub");
        assertEquals(0, key.exitCode(), key.output());
        Run verified = run(
                dir, "openssl", "dgst", "-sha256", "-verify", "fw.pub", "-signature", "signature.der", "manifest.bin");
        assertEquals(0, verified.exitCode(), verified.output());
        assertTrue(verified.output().contains("Verified OK"), verified.output());
        manifest[12] ^= 1; // another version: the same signature must not verify
        Files.write(dir.resolve("manifest.bin"), manifest);
        Run tampered = run(
                dir, "openssl", "dgst", "-sha256", "-verify", "fw.pub", "-signature", "signature.der", "manifest.bin");
        assertNotEquals(0, tampered.exitCode(), tampered.output());
    }

    @Test
    @Order(4)
    void aTokenThatVanishesAnswers503AndReadinessGoesDownWithoutAFallbackToAFile() throws Exception {
        HttpResponse<String> ready = server.get(server.http("/health/ready"));
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", check(ready.body(), "device-ca-key").getString("status"), ready.body());
        String id = server.registerDevice("hsm-gone-" + System.nanoTime() % 1_000_000, "device after the token");
        String csr = opensslCsr(dir, "gone", id);

        // the token's files vanish under the running module, as a removed HSM
        Path tokens = hsm.resolve("tokens");
        Path away = hsm.resolve("tokens-away");
        Files.move(tokens, away);
        Files.createDirectory(tokens);
        long gone = System.nanoTime();
        HttpResponse<String> probe;
        do {
            probe = server.get(server.http("/health/ready"));
            if (probe.statusCode() == 503) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() - gone < Duration.ofSeconds(30).toNanos());
        long downMillis = (System.nanoTime() - gone) / 1_000_000;
        System.out.println("readiness reported device-ca-key DOWN " + downMillis + " ms after the token vanished");
        assertEquals(503, probe.statusCode(), probe.body());
        JsonObject caKey = check(probe.body(), "device-ca-key");
        assertEquals("DOWN", caKey.getString("status"), probe.body());
        assertTrue(downMillis < 5000, "readiness goes DOWN at the first probe: " + downMillis + " ms");
        assertFalse(probe.body().contains(serverEnv.get("DEVICETRUST_PKCS11_PIN_FILE")), probe.body());

        long asked = System.nanoTime();
        assertProblem(
                server.admin("POST", "/api/v1/admin/devices/" + id + "/certificates", "application/x-pem-file", csr),
                503,
                "ca-unavailable");
        System.out.println("issuance answered 503 in " + (System.nanoTime() - asked) / 1_000_000 + " ms");
        assertProblem(server.admin("POST", "/api/v1/admin/crl", null, null), 503, "ca-unavailable");
        byte[] payload = "a release while the token is away".getBytes(StandardCharsets.US_ASCII);
        assertProblem(
                uploadRelease("?version=4&securityVersion=0&loadAddress=0x80200000&buildId=hsm-gone", payload),
                503,
                "ca-unavailable");

        // still no key file anywhere: nothing fell back to a PKCS#12 store
        try (Stream<Path> files = Files.walk(home)) {
            assertEquals(
                    List.of(),
                    files.filter(f -> f.getFileName().toString().equals("devicetrust-ca.p12"))
                            .toList());
        }
        String log = Files.readString(home.resolve("domains/devicetrust/logs/server.log"));
        assertTrue(log.contains("DeviceTrust CA key store unavailable: "), "one SEVERE line names the cause");
        String pin = Files.readString(Path.of(serverEnv.get("DEVICETRUST_PKCS11_PIN_FILE")))
                .strip();
        assertFalse(log.contains(pin));

        // each refused use of a CA key is in the audit log, with the reason
        List<String> refusals = auditRecords(id, "CERTIFICATE_ISSUED");
        assertEquals(1, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).startsWith("FAILURE ca-unavailable: "), refusals.toString());
        assertFalse(refusals.get(0).contains(pin), refusals.toString());
        assertTrue(
                auditRecords("device-ca", "CRL_PUBLISHED").stream().anyMatch(r -> r.startsWith("FAILURE ")),
                "the refused CRL publication is audited");
        List<String> release = auditRecords("firmware-release:new", "FIRMWARE_RELEASE_CREATED");
        assertTrue(
                release.stream().anyMatch(r -> r.startsWith("FAILURE ca-unavailable: ")),
                "the refused release signing is audited: " + release);
        goneDevice = id;
        goneCsr = csr;
        // the token stays away for the next test
    }

    @Test
    @Order(5)
    void aTokenAwayAtStartRefusesTheStartAndOnceBackTheServerSignsAgainWithTheSameKeys() throws Exception {
        String launcher = System.getProperty("devicetrust.launcher");
        assumeTrue(goneDevice != null, "runs after the token vanished");
        String pin = Files.readString(Path.of(serverEnv.get("DEVICETRUST_PKCS11_PIN_FILE")))
                .strip();
        Run stop = runWith(serverEnv, launcher, "stop");
        assertEquals(0, stop.exitCode(), stop.output());

        // SoftHSM2 does not take back a token whose files vanished under a running process: a start is what
        // brings it back. While the token is away, the start is refused with one line and no key file appears.
        Run refused = runWith(serverEnv, launcher, "start");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(
                refused.output()
                        .contains("pki bootstrap: PKCS#11 token '" + LABEL + "' of " + LIBRARY
                                + ": no token has this label"),
                refused.output());
        assertFalse(refused.output().contains(pin), refused.output());
        assertFalse(refused.output().contains("DeviceTrust is running"), refused.output());
        assertFalse(Files.exists(server.pkiDir.resolve("devicetrust-ca.p12")), "no CA key store file");

        Path tokens = hsm.resolve("tokens");
        Files.delete(tokens);
        Files.move(hsm.resolve("tokens-away"), tokens);
        X509Certificate deviceCa = certificate(server.pkiDir.resolve("device-ca.pem"));
        Run start = runWith(serverEnv, launcher, "start");
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(start.output().contains("DeviceTrust is running"), start.output());
        assertTrue(start.output().contains("PKI already bootstrapped"), start.output());

        HttpResponse<String> ready = server.get(server.http("/health/ready"));
        assertEquals("UP", check(ready.body(), "device-ca-key").getString("status"), ready.body());
        HttpResponse<String> issued = server.admin(
                "POST", "/api/v1/admin/devices/" + goneDevice + "/certificates", "application/x-pem-file", goneCsr);
        assertEquals(201, issued.statusCode(), issued.body());
        Files.writeString(dir.resolve("device.pem"), json(issued.body()).getString("pem"));
        fetch("/pki/ca/ca-chain.pem", "chain.pem");
        Run verify = run(dir, "openssl", "verify", "-CAfile", "chain.pem", "device.pem");
        assertEquals(0, verify.exitCode(), verify.output());
        certificate(dir.resolve("device.pem")).verify(deviceCa.getPublicKey()); // the same Device CA key
        assertEquals(200, server.admin("POST", "/api/v1/admin/crl", null, null).statusCode());

        List<String> issuance = auditRecords(goneDevice, "CERTIFICATE_ISSUED");
        assertEquals(2, issuance.size(), issuance.toString());
        assertTrue(issuance.get(1).startsWith("SUCCESS serial "), issuance.toString());
    }

    /** The outcome and detail of each audit record of {@code action} on {@code subject}, oldest first. */
    private static List<String> auditRecords(String subject, String action) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        dbUrl,
                        System.getenv().getOrDefault("DEVICETRUST_DB_USER", "devicetrust"),
                        System.getenv().getOrDefault("DEVICETRUST_DB_PASSWORD", "devicetrust"));
                PreparedStatement q = c.prepareStatement(
                        "SELECT outcome, detail FROM audit_record WHERE subject = ? AND action = ? ORDER BY seq")) {
            q.setString(1, subject);
            q.setString(2, action);
            List<String> records = new ArrayList<>();
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    records.add(rows.getString(1) + " " + rows.getString(2));
                }
            }
            return records;
        }
    }

    private HttpResponse<String> uploadRelease(String query, byte[] payload) {
        HttpRequest request = HttpRequest.newBuilder(server.https("/api/v1/admin/firmware/releases" + query))
                .timeout(Duration.ofSeconds(60))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                ("admin:" + server.adminPassword).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        HttpClient client = HttpClient.newBuilder()
                .sslContext(server.trustingRoot())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        return DeviceTrustServer.send(client, request);
    }

    private byte[] storedImage(long releaseId) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        dbUrl,
                        System.getenv().getOrDefault("DEVICETRUST_DB_USER", "devicetrust"),
                        System.getenv().getOrDefault("DEVICETRUST_DB_PASSWORD", "devicetrust"));
                PreparedStatement q = c.prepareStatement("SELECT image FROM firmware_release WHERE id = ?")) {
            q.setLong(1, releaseId);
            try (ResultSet rows = q.executeQuery()) {
                assertTrue(rows.next(), "release " + releaseId + " is stored");
                return rows.getBytes(1);
            }
        }
    }

    private static JsonObject check(String health, String name) {
        return json(health).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> name.equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + health));
    }

    private void fetch(String path, String file) throws IOException {
        HttpResponse<byte[]> r = server.getBytes(server.http(path));
        assertEquals(200, r.statusCode(), path);
        Files.write(dir.resolve(file), r.body());
    }

    /** The CRL at /pki/crl/NAME as a PEM file in the test directory. */
    private String fetchCrl(String name) throws IOException {
        String der = name + "-" + System.nanoTime() + ".der";
        fetch("/pki/crl/" + name, der);
        Run pem = run(dir, "openssl", "crl", "-inform", "DER", "-in", der, "-out", der + ".pem");
        assertEquals(0, pem.exitCode(), pem.output());
        return der + ".pem";
    }

    /**
     * A DER file that opens as PKCS#12: without a password its key entries' aliases show; with a known password
     * (the TLS stores', Payara's master password) so do their certificates. A CA key entry is a finding.
     */
    private static void scanKeyStore(
            Path file, List<char[]> passwords, List<PublicKey> caKeys, List<String> stores, List<String> findings) {
        String name = home.relativize(file).toString();
        KeyStore store = null;
        String opened = null;
        for (char[] password : passwords) {
            store = load(file, password);
            if (store != null) {
                opened = "opened";
                break;
            }
        }
        if (store == null) {
            store = load(file, null);
            opened = "aliases only";
        }
        if (store == null) {
            return; // not a key store (some other DER file)
        }
        try {
            List<String> keyEntries = new ArrayList<>();
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                keyEntries.add(alias);
                if (CA_ALIASES.contains(alias)) {
                    findings.add(name + " holds a key entry '" + alias + "'");
                }
                Certificate c = store.getCertificate(alias);
                if (c != null && caKeys.contains(c.getPublicKey())) {
                    findings.add(name + " holds the private key of a CA certificate under '" + alias + "'");
                }
            }
            stores.add(name + " (" + opened + ", key entries " + keyEntries + ")");
        } catch (Exception e) {
            findings.add(name + " is a key store that cannot be read: " + e);
        }
    }

    private static KeyStore load(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean containsPemPrivateKey(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.contains("PRIVATE KEY-----");
    }

    private static byte[] firstBytes(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(pem))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static byte[] rawPoint(ECPublicKey key) {
        return concat(unsigned32(key.getW().getAffineX()), unsigned32(key.getW().getAffineY()));
    }

    private static byte[] unsigned32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return out;
    }

    /** r||s as DER SEQUENCE { INTEGER r, INTEGER s }, what OpenSSL verifies (both < 2^256: short lengths). */
    private static byte[] derSignature(byte[] r, byte[] s) {
        byte[] ri = new BigInteger(1, r).toByteArray();
        byte[] si = new BigInteger(1, s).toByteArray();
        byte[] body = concat(
                concat(new byte[] {0x02, (byte) ri.length}, ri), concat(new byte[] {0x02, (byte) si.length}, si));
        return concat(new byte[] {0x30, (byte) body.length}, body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static String hex(byte[] data) {
        return HexFormat.of().formatHex(data);
    }

    private static Run runWith(Map<String, String> env, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().remove("DEVICETRUST_DATA_DIR");
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(15, java.util.concurrent.TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run " + List.of(command), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
