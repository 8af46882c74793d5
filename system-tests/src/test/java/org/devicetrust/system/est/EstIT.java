package org.devicetrust.system.est;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EST (RFC 7030) against the EAR on Payara Server with an EST client nobody here wrote: curl and openssl driven
 * by {@code est/est-client.sh}. First enrollment goes to the server-auth HTTPS listener with a one-time token;
 * renewal goes to the device listener with the current certificate (mutual TLS).
 */
class EstIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final Pattern SERIAL = Pattern.compile("serial=([0-9A-Fa-f]+)");

    @TempDir
    static Path dir;

    @BeforeAll
    static void installClient() throws IOException {
        try (InputStream script = EstIT.class.getResourceAsStream("/est/est-client.sh")) {
            Files.copy(script, dir.resolve("est-client.sh"), StandardCopyOption.REPLACE_EXISTING);
        }
        dir.resolve("est-client.sh").toFile().setExecutable(true);
        Files.copy(SERVER.rootCaPem(), dir.resolve("root-ca.pem"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void cacertsIsBase64CertsOnlyCmsWithDeviceCaAndRoot() {
        Run r = est("cacerts", https());
        assertSuccess(r);
        assertTrue(r.output().contains("content-type=application/pkcs7-mime"), r.output());
        assertTrue(r.output().contains("content-transfer-encoding=base64"), r.output());
        assertTrue(r.output().contains("certificates=2"), r.output());
        assertTrue(r.output().contains("DeviceTrust Device Issuing CA"), r.output());
        assertTrue(r.output().contains("DeviceTrust Root CA"), r.output());
    }

    @Test
    void csrattrsAskForAnEcP256KeySignedWithEcdsaSha256() {
        Run r = est("csrattrs", https());
        assertSuccess(r);
        assertTrue(r.output().contains("content-type=application/csrattrs"), r.output());
        assertTrue(
                r.output().contains("id-ecPublicKey")
                        && r.output().contains("prime256v1")
                        && r.output().contains("ecdsa-with-SHA256"),
                r.output());
    }

    @Test
    void firstEnrollmentWithTokenIssuesACertificateThatWorksOnTheDeviceApi() {
        String device = newDevice();
        String token = token(device);
        est("csr", "first", device);
        Run enrolled = est("enroll", https(), device, token, "first.b64", "first-cert");
        assertSuccess(enrolled);
        assertTrue(certsOnly(enrolled), enrolled.output());
        assertTrue(enrolled.output().contains("content-transfer-encoding=base64"), enrolled.output());
        assertTrue(enrolled.output().contains("subject=CN = " + device), enrolled.output());
        Run verify = DeviceTrustServer.run(
                dir, "openssl", "verify", "-CAfile", SERVER.caChainPem().toString(), "first-cert.pem");
        assertEquals(0, verify.exitCode(), verify.output());

        Run session = est("get", SERVER.device("/api/v1/device/session").toString(), "first-cert.pem", "first.key");
        assertSuccess(session);
        assertTrue(session.output().contains("AUTH OK " + device), session.output());

        Run reused = est("enroll", https(), device, token, "first.b64", "again");
        assertStatus(401, reused);
        assertTrue(reused.output().contains("www-authenticate=Basic"), reused.output());
        String actor = issuanceActor(device);
        assertTrue(
                actor.startsWith("est:" + device + " (enrollment token #"),
                "the CA's record names the " + "enrolling device and its token, not an anonymous caller: " + actor);
    }

    /** The actor of the CA's successful issuance record about the device. */
    private static String issuanceActor(String device) {
        try (java.sql.Connection db = DeviceTrustServer.database();
                java.sql.PreparedStatement q = db.prepareStatement(
                        "SELECT actor FROM audit_record WHERE action = 'CERTIFICATE_ISSUED' AND outcome = 'SUCCESS'"
                                + " AND subject = ?")) {
            q.setString(1, device);
            try (java.sql.ResultSet r = q.executeQuery()) {
                assertTrue(r.next(), "no issuance record about " + device);
                return r.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badRequestsAreRefusedAndDoNotConsumeTheToken() throws IOException {
        String device = newDevice();
        String token = token(device);
        est("csr", "good", device);

        Run noCredentials = DeviceTrustServer.run(
                dir,
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                "root-ca.pem",
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@good.b64",
                https() + "/.well-known/est/simpleenroll");
        assertEquals("401", noCredentials.output().strip());
        Run plainHttp = DeviceTrustServer.run(
                dir,
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-u",
                device + ":" + token,
                "-H",
                "Content-Type: application/pkcs10",
                "--data-binary",
                "@good.b64",
                SERVER.http("/.well-known/est/simpleenroll").toString());
        assertEquals("403", plainHttp.output().strip(), "EST must refuse plain HTTP");
        Run wrongToken = est("enroll", https(), device, token.substring(1) + "x", "good.b64", "x");
        assertStatus(401, wrongToken);
        assertTrue(wrongToken.output().contains("www-authenticate=Basic"), wrongToken.output());
        assertStatus(401, est("enroll", https(), "someone-else", token, "good.b64", "x"));

        est("csr", "other", "another-device");
        Run otherIdentity = est("enroll", https(), device, token, "other.b64", "x");
        assertStatus(403, otherIdentity);
        assertTrue(otherIdentity.output().contains("csr-subject-mismatch"), otherIdentity.output());

        Files.writeString(dir.resolve("not-base64.b64"), "this is *not* base64 !!\n");
        assertStatus(400, est("enroll", https(), device, token, "not-base64.b64", "x"));
        Files.writeString(dir.resolve("not-der.b64"), "AAECAwQFBgcICQ==\n");
        assertStatus(400, est("enroll", https(), device, token, "not-der.b64", "x"));
        assertStatus(415, est("enroll", https(), device, token, "good.b64", "x", "application/json"));

        Run afterFailures = est("enroll", https(), device, token, "good.b64", "good-cert");
        assertSuccess(afterFailures);
        assertTrue(afterFailures.output().contains("subject=CN = " + device), afterFailures.output());
    }

    @Test
    void renewalWithTheCurrentCertificateOnTheDeviceListener() {
        String device = newDevice();
        est("csr", "v1", device);
        assertSuccess(est("enroll", https(), device, token(device), "v1.b64", "v1-cert"));
        String oldSerial =
                serial(DeviceTrustServer.run(dir, "openssl", "x509", "-in", "v1-cert.pem", "-noout", "-serial"));
        est("csr", "v2", device);

        // a fresh certificate is far outside the default 30-day renewal window
        Run early = est("reenroll", deviceBase(), "v1-cert.pem", "v1.key", "v2.b64", "v2-cert");
        assertStatus(409, early);
        assertTrue(early.output().contains("renewal-not-due"), early.output());

        setServerProperty("devicetrust.est.renewal-window-days", "400");
        try {
            est("csr", "mallory", "not-" + device.substring(4));
            Run otherIdentity = waitForRenewalWindow(
                    () -> est("reenroll", deviceBase(), "v1-cert.pem", "v1.key", "mallory.b64", "x"));
            assertStatus(403, otherIdentity);
            assertTrue(otherIdentity.output().contains("csr-subject-mismatch"), otherIdentity.output());
            assertStatus(415, est("reenroll", deviceBase(), "v1-cert.pem", "v1.key", "v2.b64", "x", "text/plain"));

            Run renewed = est("reenroll", deviceBase(), "v1-cert.pem", "v1.key", "v2.b64", "v2-cert");
            assertSuccess(renewed);
            assertTrue(certsOnly(renewed), renewed.output());
            assertTrue(renewed.output().contains("subject=CN = " + device), renewed.output());
            assertNotEquals(oldSerial, serial(renewed));

            Run session = est("get", SERVER.device("/api/v1/device/session").toString(), "v2-cert.pem", "v2.key");
            assertSuccess(session);
            assertTrue(session.output().contains("AUTH OK " + device), session.output());

            // the old certificate was revoked (superseded) with the issuance: no second renewal, no API access
            Run withOld = est("reenroll", deviceBase(), "v1-cert.pem", "v1.key", "v2.b64", "v3-cert");
            assertTrue(withOld.exitCode() != 0 && !withOld.output().contains("status=200"), withOld.output());
            HttpResponse<String> old = SERVER.admin("GET", "/api/v1/admin/certificates/" + oldSerial, null, null);
            assertTrue(old.body().toLowerCase(Locale.ROOT).contains("superseded"), old.body());
        } finally {
            deleteServerProperty("devicetrust.est.renewal-window-days");
        }
    }

    /**
     * IDevID bootstrap: the server under test starts without a manufacturer CA, so the test trusts a throwaway one
     * at runtime the way {@code ./devicetrust start} does with {@code DEVICETRUST_MANUFACTURER_CA} (trust store
     * entry, listener reload, system property) and removes it afterwards.
     */
    @Test
    void factoryCertificateEnrollsOnceItsManufacturerIsTrustedAndOpensNothingElse() {
        String device = newDevice();
        String other = newDevice();
        assertEquals(0, est("factory-ca", "maker").exitCode());
        est("idevid", "idevid", "maker", device);
        est("idevid", "idevid-other", "maker", other);
        est("csr", "fresh", device);
        trustManufacturer(true);
        try {
            // the listener reloads in about 2 s, the application's configuration cache within about a minute
            Run enrolled = retryUntil200(
                    () -> est("enroll-cert", deviceBase(), "idevid.pem", "idevid.key", "fresh.b64", "fresh-cert"));
            assertSuccess(enrolled);
            assertTrue(certsOnly(enrolled), enrolled.output());
            assertTrue(enrolled.output().contains("subject=CN = " + device), enrolled.output());
            Run session = est("get", SERVER.device("/api/v1/device/session").toString(), "fresh-cert.pem", "fresh.key");
            assertSuccess(session);
            assertTrue(session.output().contains("AUTH OK " + device), session.output());

            // the factory certificate is a bootstrap credential only: no device API, no renewal
            Run api = est("get", SERVER.device("/api/v1/device/session").toString(), "idevid.pem", "idevid.key");
            assertStatus(401, api);
            assertTrue(!api.output().contains("AUTH OK"), api.output());
            assertStatus(401, est("reenroll", deviceBase(), "idevid.pem", "idevid.key", "fresh.b64", "x"));

            // a factory certificate of another device cannot enroll this device's CSR
            Run foreign = est("enroll-cert", deviceBase(), "idevid-other.pem", "idevid-other.key", "fresh.b64", "x");
            assertStatus(403, foreign);
            assertTrue(foreign.output().contains("csr-subject-mismatch"), foreign.output());
        } finally {
            trustManufacturer(false);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Run est(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = dir.resolve("est-client.sh").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return runWithCa(command);
    }

    private static Run runWithCa(String... command) {
        String[] withEnv = new String[command.length + 2];
        withEnv[0] = "env";
        withEnv[1] = "EST_CACERT=" + dir.resolve("root-ca.pem");
        System.arraycopy(command, 0, withEnv, 2, command.length);
        return DeviceTrustServer.run(dir, withEnv);
    }

    private static String https() {
        return "https://localhost:" + SERVER.httpsPort;
    }

    private static String deviceBase() {
        return "https://localhost:" + SERVER.devicePort;
    }

    private static String newDevice() {
        String id = "est-" + UUID.randomUUID().toString().substring(0, 8);
        return SERVER.registerDevice(id, "EST system test " + id);
    }

    private static String token(String device) {
        HttpResponse<String> r = SERVER.admin(
                "POST",
                "/api/v1/admin/enrollment-tokens",
                "application/json",
                Json.createObjectBuilder().add("deviceId", device).build().toString());
        assertEquals(201, r.statusCode(), r.body());
        JsonObject body = DeviceTrustServer.json(r.body());
        assertEquals(device, body.getString("deviceId"));
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
        return body.getString("token");
    }

    private static String serial(Run r) {
        Matcher m = SERIAL.matcher(r.output());
        assertTrue(m.find(), r.output());
        return m.group(1).toLowerCase(Locale.ROOT);
    }

    /** The media type with its smime-type parameter (the container writes it without the optional space). */
    private static boolean certsOnly(Run r) {
        return r.output().replace("; ", ";").contains("content-type=application/pkcs7-mime;smime-type=certs-only");
    }

    private static void assertSuccess(Run r) {
        assertTrue(r.exitCode() == 0 && r.output().contains("status=200"), r.output());
    }

    private static void assertStatus(int status, Run r) {
        assertTrue(r.output().contains("status=" + status), "expected " + status + ": " + r.output());
    }

    /** What the launcher's manufacturer CA step does, done and undone at runtime for the test. */
    private static void trustManufacturer(boolean trusted) {
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String[] store = {
            keytool,
            "-storetype",
            "PKCS12",
            "-keystore",
            SERVER.pkiDir.resolve("device-truststore.p12").toString(),
            "-storepass:file",
            SERVER.dataDir.resolve("secrets/tls-keystore.pass").toString()
        };
        DeviceTrustServer.run(dir, concat(store, "-delete", "-alias", "manufacturer-ca-system-test"));
        Run r = trusted
                ? DeviceTrustServer.run(
                        dir,
                        concat(
                                store,
                                "-importcert",
                                "-noprompt",
                                "-alias",
                                "manufacturer-ca-system-test",
                                "-file",
                                dir.resolve("maker.pem").toString()))
                : null;
        if (trusted) {
            assertEquals(0, r.exitCode(), r.output());
            setServerProperty(
                    "devicetrust.est.manufacturer-ca",
                    dir.resolve("maker.pem")
                            .toString()
                            .replace("\\", "\\\\")
                            .replace(":", "\\:")
                            .replace("=", "\\="));
        } else {
            deleteServerProperty("devicetrust.est.manufacturer-ca");
        }
        String enabled = "configs.config.server-config.network-config.network-listeners.network-listener"
                + ".device-listener.enabled=";
        assertEquals(0, asadmin("set", enabled + "false").exitCode());
        Run on = asadmin("set", enabled + "true");
        assertEquals(0, on.exitCode(), on.output());
    }

    private static String[] concat(String[] first, String... more) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(more)).toArray(String[]::new);
    }

    private static Run retryUntil200(Supplier<Run> attempt) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        Run r = attempt.get();
        while (!r.output().contains("status=200") && System.nanoTime() < deadline) {
            sleep();
            r = attempt.get();
        }
        return r;
    }

    /** The server reads the renewal policy from MicroProfile Config on each request; give its cache time. */
    private static Run waitForRenewalWindow(java.util.function.Supplier<Run> attempt) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        Run r = attempt.get();
        while (r.output().contains("renewal-not-due") && System.nanoTime() < deadline) {
            sleep();
            r = attempt.get();
        }
        return r;
    }

    private static void setServerProperty(String name, String value) {
        Run r = asadmin("create-system-properties", name + "=" + value);
        assertEquals(0, r.exitCode(), r.output());
    }

    private static void deleteServerProperty(String name) {
        asadmin("delete-system-property", name);
    }

    private static Run asadmin(String... args) {
        return SERVER.asadmin(dir, args);
    }

    private static void sleep() {
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
