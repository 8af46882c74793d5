package org.devicetrust.system;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
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
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The server under test, as started by {@code ./devicetrust start}: where it listens, its data directory, the
 * administrator's credentials, and clients that trust only our root CA (no trust-all anywhere).
 * Settings come from the same environment the launcher reads.
 */
public final class DeviceTrustServer {

    public static final DeviceTrustServer INSTANCE = new DeviceTrustServer();

    public final Path home;
    public final Path dataDir;
    public final Path pkiDir;
    public final int httpPort;
    public final int httpsPort;
    public final int devicePort;
    public final String adminPassword;
    /** Made at first use: a test that starts a server of its own loads this class before the default one exists. */
    private volatile HttpClient adminClient;

    private DeviceTrustServer() {
        this(
                Path.of(System.getProperty(
                        "devicetrust.home", System.getenv().getOrDefault("DEVICETRUST_HOME", ".devicetrust"))),
                System.getenv("DEVICETRUST_PORT_BASE"),
                null);
    }

    /**
     * Another server started by a test with the launcher ({@code home}, data directory {@code home/data}, ports
     * from {@code portBase}), reached as its administrator {@code adminPassword}.
     */
    public static DeviceTrustServer startedAt(Path home, int portBase, String adminPassword) {
        return new DeviceTrustServer(home, String.valueOf(portBase), adminPassword);
    }

    /**
     * Another node of this server: the same data directory, database and administrator, reached on the ports
     * from {@code portBase} (a second Payara domain started by a test on the same PostgreSQL).
     */
    public DeviceTrustServer onNode(int portBase) {
        return new DeviceTrustServer(this, portBase);
    }

    private DeviceTrustServer(DeviceTrustServer same, int portBase) {
        home = same.home;
        dataDir = same.dataDir;
        pkiDir = same.pkiDir;
        httpPort = portBase + 80;
        httpsPort = portBase + 81;
        devicePort = portBase + 43;
        adminPassword = same.adminPassword;
    }

    private DeviceTrustServer(Path home, String base, String adminPassword) {
        this.home = home;
        dataDir = adminPassword != null
                ? home.resolve("data")
                : Path.of(System.getenv()
                        .getOrDefault(
                                "DEVICETRUST_DATA_DIR", home.resolve("data").toString()));
        pkiDir = dataDir.resolve("pki");
        if (base != null && !base.isBlank()) {
            int b = Integer.parseInt(base.strip());
            httpPort = b + 80;
            httpsPort = b + 81;
            devicePort = b + 43;
        } else {
            httpPort = Integer.parseInt(System.getenv().getOrDefault("DEVICETRUST_HTTP_PORT", "8080"));
            httpsPort = Integer.parseInt(System.getenv().getOrDefault("DEVICETRUST_HTTPS_PORT", "8181"));
            devicePort = Integer.parseInt(System.getenv().getOrDefault("DEVICETRUST_DEVICE_PORT", "8443"));
        }
        this.adminPassword = adminPassword != null
                ? adminPassword
                : System.getenv()
                        .getOrDefault(
                                "DEVICETRUST_ADMIN_PASSWORD",
                                readOrEmpty(dataDir.resolve("secrets/initial-admin-password")));
    }

    private HttpClient adminClient() {
        HttpClient client = adminClient;
        if (client == null) {
            client = HttpClient.newBuilder()
                    .sslContext(trustingRoot())
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            adminClient = client;
        }
        return client;
    }

    public URI http(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    public URI https(String path) {
        return URI.create("https://localhost:" + httpsPort + path);
    }

    public URI device(String path) {
        return URI.create("https://localhost:" + devicePort + path);
    }

    public Path rootCaPem() {
        return pkiDir.resolve("root-ca.pem");
    }

    public Path caChainPem() {
        return pkiDir.resolve("ca-chain.pem");
    }

    /**
     * Approves a firmware release this server's administrator uploaded, as if another administrator had
     * uploaded it (a security version bump needs an approver other than the uploader); returns the image the
     * database holds for it.
     */
    public byte[] approveReleaseOfAnotherUploader(long releaseId) throws SQLException {
        byte[] image;
        try (Connection db = database()) {
            try (PreparedStatement s =
                    db.prepareStatement("UPDATE firmware_release SET uploaded_by = ? WHERE id = ?")) {
                s.setString(1, "another-admin");
                s.setLong(2, releaseId);
                if (s.executeUpdate() != 1) {
                    throw new IllegalStateException("no firmware release " + releaseId);
                }
            }
            try (PreparedStatement s = db.prepareStatement("SELECT image FROM firmware_release WHERE id = ?")) {
                s.setLong(1, releaseId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no firmware release " + releaseId);
                    }
                    image = rs.getBytes(1);
                }
            }
        }
        HttpResponse<String> approved =
                admin("POST", "/api/v1/admin/firmware/releases/" + releaseId + "/approval", null, null);
        if (approved.statusCode() != 200) {
            throw new IllegalStateException(
                    "approval of release " + releaseId + ": " + approved.statusCode() + " " + approved.body());
        }
        return image;
    }

    /** The Device CA's public key: the first certificate of the data directory's CA chain. */
    public PublicKey deviceCaKey() throws Exception {
        String chain = Files.readString(caChainPem());
        return certificate(chain.substring(0, chain.indexOf("-----END CERTIFICATE-----") + 25))
                .getPublicKey();
    }

    /** One PEM CSR per id ({@code CN=id}), each with a key pair of its own (P-256), as a factory line sends. */
    public static List<String> csrs(List<String> ids) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        List<String> csrs = new ArrayList<>(ids.size());
        for (String id : ids) {
            KeyPair keys = generator.generateKeyPair();
            byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + id), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
            csrs.add("-----BEGIN CERTIFICATE REQUEST-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der)
                    + "\n-----END CERTIFICATE REQUEST-----\n");
        }
        return csrs;
    }

    /** An SSL context that trusts our root CA only; add a key manager for client certificates elsewhere. */
    public SSLContext trustingRoot() {
        try {
            return sslContext(null, null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + rootCaPem(), e);
        }
    }

    /** SSL context trusting our root, presenting the client key and chain of a PKCS#12 key store if given. */
    public SSLContext sslContext(KeyStore clientKeys, char[] password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(rootCaPem())) {
            trust.setCertificateEntry("root", (X509Certificate) cf.generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        javax.net.ssl.KeyManager[] keyManagers = null;
        if (clientKeys != null) {
            var kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(clientKeys, password);
            keyManagers = kmf.getKeyManagers();
        }
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    /** Runs asadmin against the server's domain (its admin port follows the port base as the launcher's does). */
    public Run asadmin(Path workDir, String... args) {
        String base = System.getenv("DEVICETRUST_PORT_BASE");
        String port = base != null && !base.isBlank()
                ? String.valueOf(Integer.parseInt(base.strip()) + 48)
                : System.getenv().getOrDefault("DEVICETRUST_ADMIN_PORT", "4848");
        String[] command = new String[args.length + 4];
        command[0] = home.resolve("payara6/bin/asadmin").toString();
        command[1] = "--port";
        command[2] = port;
        command[3] = "--interactive=false";
        System.arraycopy(args, 0, command, 4, args.length);
        return run(workDir, command);
    }

    /**
     * A connection to the server's PostgreSQL database (the same {@code DEVICETRUST_DB_*} settings the launcher
     * used), for tests that seed or alter rows behind the server's back.
     */
    public static Connection database() throws SQLException {
        return DriverManager.getConnection(
                env("DEVICETRUST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/devicetrust_st"),
                env("DEVICETRUST_DB_USER", "devicetrust"),
                env("DEVICETRUST_DB_PASSWORD", "devicetrust"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Calls the admin API as the first administrator (HTTP Basic over TLS). */
    public HttpResponse<String> admin(String method, String path, String contentType, String body) {
        return asUser("admin", adminPassword, method, path, contentType, body);
    }

    public HttpResponse<String> asUser(
            String user, String password, String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(https(path))
                .timeout(Duration.ofSeconds(30))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(adminClient(), request.build());
    }

    public HttpResponse<String> get(URI uri) {
        return send(
                adminClient(),
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build());
    }

    public HttpResponse<byte[]> getBytes(URI uri) {
        try {
            return adminClient()
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("request to " + uri + " failed: " + e, e);
        }
    }

    public static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed: " + e, e);
        }
    }

    /** Registers a device through the admin API and returns its id; fails the test on anything but 201. */
    public String registerDevice(String id, String name) {
        HttpResponse<String> r = admin(
                "POST",
                "/api/v1/admin/devices",
                "application/json",
                Json.createObjectBuilder()
                        .add("id", id)
                        .add("name", name)
                        .build()
                        .toString());
        if (r.statusCode() != 201) {
            throw new AssertionError("registering " + id + " answered " + r.statusCode() + ": " + r.body());
        }
        return id;
    }

    /** A problem-details answer ({@code application/problem+json}) of this status and type, with a detail. */
    public static void assertProblem(HttpResponse<String> response, int status, String type) {
        org.junit.jupiter.api.Assertions.assertEquals(status, response.statusCode(), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().toString());
        JsonObject problem = json(response.body());
        org.junit.jupiter.api.Assertions.assertEquals(
                "urn:devicetrust:problem:" + type, problem.getString("type"), response.body());
        org.junit.jupiter.api.Assertions.assertEquals(status, problem.getInt("status"));
        org.junit.jupiter.api.Assertions.assertFalse(problem.getString("detail").isBlank(), response.body());
    }

    public static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    public static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError("not a certificate: " + pem, e);
        }
    }

    /** Result of an external program (openssl, curl). */
    public record Run(int exitCode, String output) {}

    /** Runs a program nobody here wrote, bounded in time, with stdout and stderr merged. */
    public static Run run(Path workDir, String... command) {
        return run(workDir, null, command);
    }

    public static Run run(Path workDir, byte[] stdin, String... command) {
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run " + List.of(command), e);
        }
    }

    /** openssl req: a fresh EC P-256 key and a CSR with the given CN, written into dir; returns the CSR PEM. */
    public static String opensslCsr(Path dir, String name, String commonName) {
        Run r = run(
                dir,
                "openssl",
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr",
                "-subj",
                "/CN=" + commonName);
        if (r.exitCode() != 0) {
            throw new AssertionError("openssl req failed: " + r.output());
        }
        return readOrEmpty(dir.resolve(name + ".csr"));
    }

    public static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    public static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }

    static Map<String, String> env() {
        return System.getenv();
    }
}
