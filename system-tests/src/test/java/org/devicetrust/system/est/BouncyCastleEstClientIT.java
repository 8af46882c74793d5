package org.devicetrust.system.est;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.CACertsResponse;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;

/**
 * EST with BouncyCastle's stock client ({@code ESTService} built by {@code JsseESTServiceBuilder}), unchanged:
 * {@code cacerts}, {@code simpleenroll} answering the Basic challenge with {@code HttpAuth}, and
 * {@code simplereenroll} with the issued certificate on the device listener.
 */
class BouncyCastleEstClientIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;

    @Test
    void stockClientFetchesCaCertificatesEnrollsWithHttpAuthAndRenewsWithItsCertificate() throws Exception {
        CACertsResponse ca = service(SERVER.httpsPort, null).getCACerts();
        List<String> subjects = new ArrayList<>();
        for (X509CertificateHolder c :
                (Collection<X509CertificateHolder>) ca.getCertificateStore().getMatches(null)) {
            subjects.add(c.getSubject().toString());
        }
        assertEquals(2, subjects.size(), subjects.toString());
        assertTrue(subjects.stream().anyMatch(s -> s.contains("DeviceTrust Device Issuing CA")), subjects.toString());
        assertTrue(subjects.stream().anyMatch(s -> s.contains("DeviceTrust Root CA")), subjects.toString());

        String device = newDevice();
        String token = token(device);
        KeyPair keys = ecKeys();
        // HttpAuth without a realm sends nothing up front: it waits for the server's 401 challenge and answers it
        HttpAuth auth = new HttpAuth(device, token.toCharArray());
        EnrollmentResponse enrolled = service(SERVER.httpsPort, null).simpleEnroll(false, csr(device, keys), auth);
        X509Certificate first = single(enrolled);
        assertEquals("CN=" + device, first.getSubjectX500Principal().getName());
        first.verify(deviceCa().getPublicKey());

        // the token was spent: the same client gets the refusal as an ESTException with status 401
        ESTException reused = assertThrows(
                ESTException.class,
                () -> service(SERVER.httpsPort, null)
                        .simpleEnroll(false, csr(device, ecKeys()), new HttpAuth(device, token.toCharArray())));
        assertEquals(401, reused.getStatusCode(), reused.getMessage());

        setRenewalWindow("400");
        try {
            KeyPair renewedKeys = ecKeys();
            EnrollmentResponse renewed = retryUntilDue(() -> service(SERVER.devicePort, clientKeys(keys, first))
                    .simpleEnroll(true, csr(device, renewedKeys), null));
            X509Certificate second = single(renewed);
            assertEquals("CN=" + device, second.getSubjectX500Principal().getName());
            assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
            assertEquals(renewedKeys.getPublic(), second.getPublicKey());
            deleteRenewalWindow();
            waitForDefaultWindow(device, renewedKeys, second);
        } finally {
            deleteRenewalWindow();
        }
    }

    /**
     * The server caches the renewal window for up to a minute: renew this test's own device until the default
     * window refuses it again (409), so that no later test sees the widened window.
     */
    private static void waitForDefaultWindow(String device, KeyPair keys, X509Certificate certificate)
            throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            KeyPair next = ecKeys();
            try {
                certificate = single(service(SERVER.devicePort, clientKeys(keys, certificate))
                        .simpleEnroll(true, csr(device, next), null));
                keys = next;
            } catch (ESTException e) {
                assertEquals(409, e.getStatusCode(), e.getMessage());
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the renewal window stayed widened for two minutes");
    }

    private interface Attempt {
        EnrollmentResponse run() throws Exception;
    }

    /** The renewal window is read through MicroProfile Config, which the server caches for up to a minute. */
    private static EnrollmentResponse retryUntilDue(Attempt attempt) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            try {
                return attempt.run();
            } catch (ESTException e) {
                if (e.getStatusCode() != 409 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(2000);
            }
        }
    }

    private static X509Certificate deviceCa() throws Exception {
        try (InputStream in = Files.newInputStream(SERVER.pkiDir.resolve("device-ca.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static ESTService service(int port, KeyStore clientKeys) throws Exception {
        JsseESTServiceBuilder builder = new JsseESTServiceBuilder("localhost:" + port, trustManagers());
        if (clientKeys != null) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(clientKeys, "x".toCharArray());
            builder.withKeyManagers(kmf.getKeyManagers());
        }
        return builder.build();
    }

    private static X509TrustManager[] trustManagers() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(SERVER.rootCaPem())) {
            trust.setCertificateEntry(
                    "root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return new X509TrustManager[] {(X509TrustManager) tmf.getTrustManagers()[0]};
    }

    private static KeyStore clientKeys(KeyPair keys, X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("device", keys.getPrivate(), "x".toCharArray(), new X509Certificate[] {certificate});
        return store;
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static PKCS10CertificationRequest csr(String device, KeyPair keys) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + device), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    }

    private static X509Certificate single(EnrollmentResponse response) throws Exception {
        assertTrue(response.isCompleted(), "the server answered 202: retry later");
        Collection<X509CertificateHolder> certificates = response.getStore().getMatches(null);
        assertEquals(1, certificates.size());
        return new JcaX509CertificateConverter()
                .getCertificate(certificates.iterator().next());
    }

    private static String newDevice() {
        String id = "bcest-" + UUID.randomUUID().toString().substring(0, 8);
        return SERVER.registerDevice(id, "BouncyCastle EST client " + id);
    }

    private static String token(String device) {
        HttpResponse<String> r = SERVER.admin(
                "POST",
                "/api/v1/admin/enrollment-tokens",
                "application/json",
                Json.createObjectBuilder().add("deviceId", device).build().toString());
        assertEquals(201, r.statusCode(), r.body());
        return DeviceTrustServer.json(r.body()).getString("token");
    }

    private static void setRenewalWindow(String days) {
        DeviceTrustServer.Run r =
                SERVER.asadmin(Path.of("."), "create-system-properties", "devicetrust.est.renewal-window-days=" + days);
        assertEquals(0, r.exitCode(), r.output());
    }

    private static void deleteRenewalWindow() {
        SERVER.asadmin(Path.of("."), "delete-system-property", "devicetrust.est.renewal-window-days");
    }
}
