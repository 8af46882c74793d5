package org.devicetrust.system.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every listener answers whatever the request: problem details for the errors the container writes itself,
 * no header or body naming the server software; the TLS policy on both TLS listeners; and revocation information
 * in the server certificate that a client can check. curl and openssl are the clients.
 */
class ServerHygieneIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final Pattern STATUS = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3})");
    private static final List<String> AEAD_TLS12 =
            List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305");
    private static final List<String> TLS13 =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    @TempDir
    static Path dir;

    /** curl options that present a Device CA certificate, for the device listener. */
    private static List<String> device;

    @BeforeAll
    static void deviceCertificate() {
        String id = SERVER.registerDevice(
                "hygiene-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36), "server hygiene test");
        String csr = DeviceTrustServer.opensslCsr(dir, "device", id);
        HttpResponse<String> issued =
                SERVER.admin("POST", "/api/v1/admin/devices/" + id + "/certificates", "application/x-pem-file", csr);
        assertEquals(201, issued.statusCode(), issued.body());
        try {
            Files.writeString(
                    dir.resolve("device.pem"),
                    DeviceTrustServer.json(issued.body()).getString("pem"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        device = List.of("--cert", "device.pem", "--key", "device.key");
    }

    /** One answer as curl saw it over HTTP/1.1: status line, headers, body. */
    private record Answer(int status, String head, String body) {
        String header(String name) {
            Matcher m = Pattern.compile("(?mi)^" + Pattern.quote(name) + ":\\s*(.*?)\\s*$")
                    .matcher(head);
            return m.find() ? m.group(1) : null;
        }
    }

    private static Answer curl(String url, String... extra) {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "-sS",
                "--http1.1",
                "--path-as-is",
                "-i",
                "--max-time",
                "20",
                "--cacert",
                SERVER.rootCaPem().toString()));
        command.addAll(List.of(extra));
        command.add(url);
        Run r = DeviceTrustServer.run(dir, command.toArray(String[]::new));
        assertEquals(0, r.exitCode(), url + ": " + r.output());
        String out = r.output().replace("\r\n", "\n");
        int split = out.indexOf("\n\n");
        String head = split < 0 ? out : out.substring(0, split);
        String body = split < 0 ? "" : out.substring(split + 2);
        Matcher m = STATUS.matcher(head);
        assertTrue(m.find(), out);
        return new Answer(Integer.parseInt(m.group(1)), head, body);
    }

    private static String[] withDevice(String... more) {
        List<String> all = new ArrayList<>(device);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void assertAnonymous(String what, Answer a) {
        assertEquals(null, a.header("Server"), what + " sends a Server header:\n" + a.head());
        assertEquals(null, a.header("X-Powered-By"), what + " sends X-Powered-By:\n" + a.head());
        String all = (a.head() + "\n" + a.body()).toLowerCase(Locale.ROOT);
        for (String name : List.of("payara", "glassfish", "grizzly", "jersey", "java/", "servlet/")) {
            assertFalse(all.contains(name), what + " names '" + name + "':\n" + a.head() + "\n" + a.body());
        }
    }

    private static void assertProblem(String what, Answer a, int status, String type) {
        assertEquals(status, a.status(), what + ":\n" + a.head() + "\n" + a.body());
        assertTrue(
                String.valueOf(a.header("Content-Type")).startsWith("application/problem+json"),
                what + ":\n" + a.head());
        var problem = DeviceTrustServer.json(a.body());
        assertEquals("urn:devicetrust:problem:" + type, problem.getString("type"), what + ": " + a.body());
        assertEquals(status, problem.getInt("status"), what);
        assertAnonymous(what, a);
    }

    @Test
    void noListenerNamesTheServerSoftwareOnAnswersOrErrors() {
        assertAnonymous("plain HTTP status", curl(SERVER.http("/api/v1/status").toString()));
        assertAnonymous(
                "plain HTTP CRL", curl(SERVER.http("/pki/crl/device-ca.crl").toString()));
        assertAnonymous("HTTPS status", curl(SERVER.https("/api/v1/status").toString()));
        assertAnonymous("HTTPS console login", curl(SERVER.https("/login.xhtml").toString()));
        assertAnonymous(
                "device session", curl(SERVER.device("/api/v1/device/session").toString(), withDevice()));
    }

    @Test
    void unknownPathsAreNotFoundProblemsOnEveryListener() {
        assertProblem("plain HTTP", curl(SERVER.http("/no/such/page.html").toString()), 404, "not-found");
        assertProblem("HTTPS", curl(SERVER.https("/no/such/page.html").toString()), 404, "not-found");
        assertProblem("HTTPS API", curl(SERVER.https("/api/v1/nothing-here").toString()), 404, "not-found");
        assertProblem(
                "device listener",
                curl(SERVER.device("/no/such/page.html").toString(), withDevice()),
                404,
                "not-found");
    }

    @Test
    void anEncodedDotDotSlashBelowTheRootIsANotFoundProblem() {
        assertProblem(
                "plain HTTP", curl(SERVER.http("/pki/%2e%2e%2fWEB-INF/web.xml").toString()), 404, "not-found");
        assertProblem(
                "HTTPS", curl(SERVER.https("/pki/%2e%2e%2fWEB-INF/web.xml").toString()), 404, "not-found");
        assertProblem(
                "device listener",
                curl(SERVER.device("/api/%2e%2e%2fWEB-INF/web.xml").toString(), withDevice()),
                404,
                "not-found");
    }

    @Test
    void aMalformedContentTypeIsAnInvalidRequestProblem() {
        String[] bad = {"-X", "POST", "-H", "Content-Type: ;;;/x", "--data", "x"};
        assertProblem(
                "admin API",
                curl(
                        SERVER.https("/api/v1/admin/devices").toString(),
                        concat(bad, "-u", "admin:" + SERVER.adminPassword)),
                400,
                "invalid-request");
        assertProblem(
                "plain HTTP", curl(SERVER.http("/pki/crl/device-ca.crl").toString(), bad), 400, "invalid-request");
        // the device API's own servlet reads the media type itself: anything but JSON is 415
        assertProblem(
                "device telemetry",
                curl(SERVER.device("/api/v1/devices/x/telemetry").toString(), concat(withDevice(), bad)),
                415,
                "unsupported-media-type");
    }

    @Test
    void aMethodAResourceDoesNotTakeIsAMethodNotAllowedProblem() {
        assertProblem(
                "plain HTTP CRL",
                curl(SERVER.http("/pki/crl/device-ca.crl").toString(), "-X", "DELETE"),
                405,
                "method-not-allowed");
        assertProblem(
                "HTTPS status",
                curl(SERVER.https("/api/v1/status").toString(), "-X", "PUT", "--data", "x"),
                405,
                "method-not-allowed");
        assertProblem(
                "device session",
                curl(SERVER.device("/api/v1/device/session").toString(), withDevice("-X", "DELETE")),
                405,
                "method-not-allowed");
    }

    /**
     * The one container answer without problem details (docs/problems.md): Grizzly refuses a URI it cannot decode
     * before any web application sees it. It must at least carry nothing and name nothing.
     */
    @Test
    void aUriTheHttpLayerCannotDecodeIsABare400ThatNamesNothing() {
        for (String url : List.of(
                SERVER.http("/a%00b").toString(),
                SERVER.http("/%2e%2e%2f").toString(),
                SERVER.https("/api/v1/status%00").toString())) {
            Answer a = curl(url);
            assertEquals(400, a.status(), url + ":\n" + a.head());
            assertEquals("", a.body(), url);
            assertAnonymous(url, a);
        }
        Answer device = curl(SERVER.device("/api/v1/device/session%00").toString(), withDevice());
        assertTrue(device.status() == 400 && device.body().isEmpty(), device.head());
        assertAnonymous("device listener", device);
    }

    private static Run openssl(int port, String... options) {
        List<String> command = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-connect",
                "localhost:" + port,
                "-servername",
                "localhost",
                "-CAfile",
                SERVER.rootCaPem().toString()));
        command.addAll(List.of(options));
        return DeviceTrustServer.run(
                dir, "Q\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), command.toArray(String[]::new));
    }

    private static String negotiated(Run r) {
        Matcher m = Pattern.compile("Cipher is (\\S+)").matcher(r.output());
        return m.find() ? m.group(1) : "(none)";
    }

    @Test
    void bothTlsListenersSpeakOnlyTls12And13WithAeadEcdheSuites() {
        String[] client = {
            "-cert",
            dir.resolve("device.pem").toString(),
            "-key",
            dir.resolve("device.key").toString()
        };
        for (int port : List.of(SERVER.httpsPort, SERVER.devicePort)) {
            String[] auth = port == SERVER.devicePort ? client : new String[0];
            for (String suite : AEAD_TLS12) {
                assertEquals(
                        suite,
                        negotiated(openssl(port, concat(auth, "-tls1_2", "-cipher", suite))),
                        port + " TLS 1.2 " + suite);
            }
            for (String suite : TLS13) {
                assertEquals(
                        suite,
                        negotiated(openssl(port, concat(auth, "-tls1_3", "-ciphersuites", suite))),
                        port + " TLS 1.3 " + suite);
            }
            for (String refused : List.of(
                    "ECDHE-ECDSA-AES128-SHA256",
                    "ECDHE-ECDSA-AES128-SHA",
                    "ECDHE-RSA-AES128-GCM-SHA256",
                    "AES128-GCM-SHA256")) {
                assertEquals(
                        "(NONE)",
                        negotiated(openssl(port, concat(auth, "-tls1_2", "-cipher", refused))),
                        port + " accepted " + refused);
            }
            for (String old : List.of("-tls1", "-tls1_1")) {
                assertEquals(
                        "(NONE)",
                        negotiated(openssl(port, concat(auth, old, "-cipher", "DEFAULT@SECLEVEL=0"))),
                        port + " accepted " + old);
            }
        }
    }

    @Test
    void theServerCertificateNamesTheRootCrlAndChecksAgainstIt() throws Exception {
        for (int port : List.of(SERVER.httpsPort, SERVER.devicePort)) {
            String[] client = port == SERVER.devicePort
                    ? new String[] {"-cert", "device.pem", "-key", "device.key"}
                    : new String[0];
            Run shown = openssl(port, concat(client, "-showcerts"));
            Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----")
                    .matcher(shown.output());
            assertTrue(pem.find(), shown.output());
            Files.writeString(dir.resolve("server-" + port + ".pem"), pem.group() + "\n");
            Run ext = DeviceTrustServer.run(
                    dir,
                    "openssl",
                    "x509",
                    "-in",
                    "server-" + port + ".pem",
                    "-noout",
                    "-ext",
                    "crlDistributionPoints");
            String rootCrlUrl = SERVER.http("/pki/crl/root-ca.crl").toString();
            assertTrue(ext.output().contains("URI:" + rootCrlUrl), port + ": " + ext.output());

            HttpResponse<byte[]> crl = SERVER.getBytes(java.net.URI.create(rootCrlUrl));
            assertEquals(200, crl.statusCode());
            assertEquals(
                    "application/pkix-crl",
                    crl.headers().firstValue("Content-Type").orElse(""));
            Files.write(dir.resolve("root.crl"), crl.body());
            Run verifyCrl = DeviceTrustServer.run(
                    dir,
                    "openssl",
                    "crl",
                    "-inform",
                    "DER",
                    "-in",
                    "root.crl",
                    "-CAfile",
                    SERVER.rootCaPem().toString(),
                    "-noout",
                    "-verify",
                    "-nextupdate",
                    "-crlnumber");
            assertTrue(verifyCrl.output().contains("verify OK"), verifyCrl.output());
            DeviceTrustServer.run(dir, "openssl", "crl", "-inform", "DER", "-in", "root.crl", "-out", "root.crl.pem");
            Run checked = DeviceTrustServer.run(
                    dir,
                    "openssl",
                    "verify",
                    "-crl_check",
                    "-CAfile",
                    SERVER.rootCaPem().toString(),
                    "-CRLfile",
                    "root.crl.pem",
                    "server-" + port + ".pem");
            assertEquals(0, checked.exitCode(), checked.output());
            assertTrue(checked.output().contains("server-" + port + ".pem: OK"), checked.output());
        }
        // the whole chain of a device certificate checks with both CRLs: root CRL for the Device CA, Device CA CRL
        // for the device
        HttpResponse<byte[]> deviceCrl = SERVER.getBytes(SERVER.http("/pki/crl/device-ca.crl"));
        Files.write(dir.resolve("device-ca.crl"), deviceCrl.body());
        DeviceTrustServer.run(
                dir, "openssl", "crl", "-inform", "DER", "-in", "device-ca.crl", "-out", "device-ca.crl.pem");
        Run chain = DeviceTrustServer.run(
                dir,
                "openssl",
                "verify",
                "-crl_check_all",
                "-CAfile",
                SERVER.caChainPem().toString(),
                "-CRLfile",
                "root.crl.pem",
                "-CRLfile",
                "device-ca.crl.pem",
                "device.pem");
        assertEquals(0, chain.exitCode(), chain.output());
        // without the root CRL the chain cannot be checked: the root CRL is what covers the Device CA
        Run withoutRoot = DeviceTrustServer.run(
                dir,
                "openssl",
                "verify",
                "-crl_check_all",
                "-CAfile",
                SERVER.caChainPem().toString(),
                "-CRLfile",
                "device-ca.crl.pem",
                "device.pem");
        assertTrue(
                withoutRoot.exitCode() != 0 && withoutRoot.output().contains("unable to get certificate CRL"),
                withoutRoot.output());
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
