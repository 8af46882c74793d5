package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCSP responder and the delta CRLs of the EAR on Payara Server, as relying parties see them: checked with
 * {@code openssl ocsp}, {@code openssl crl} and {@code openssl verify -use_deltas}, which nobody here wrote.
 */
class OcspIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    /** openssl prints times like "Dec  2 19:30:57 2026 GMT". */
    private static final DateTimeFormatter OPENSSL_TIME = DateTimeFormatter.ofPattern(
                    "MMM ppd HH:mm:ss yyyy 'GMT'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    private String url;

    @BeforeEach
    void caFiles() {
        url = SERVER.http("/pki/ocsp").toString();
        fetch("/pki/ca/device-ca.pem", "device-ca.pem");
        fetch("/pki/ca/root-ca.pem", "root-ca.pem");
        fetch("/pki/ca/ca-chain.pem", "chain.pem");
    }

    /** Issues a certificate through the admin API into NAME.pem and returns its serial. */
    private String issue(String name) throws Exception {
        String id = SERVER.registerDevice("ocsp-" + name + "-" + System.nanoTime() % 1_000_000, "ocsp device");
        HttpResponse<String> issued = SERVER.admin(
                "POST",
                "/api/v1/admin/devices/" + id + "/certificates",
                "application/x-pem-file",
                opensslCsr(dir, name, id));
        assertEquals(201, issued.statusCode(), issued.body());
        JsonObject cert = json(issued.body());
        Files.writeString(dir.resolve(name + ".pem"), cert.getString("pem"));
        return cert.getString("serial");
    }

    private JsonObject revoke(String serial, String reason) {
        HttpResponse<String> revoked = SERVER.admin(
                "POST",
                "/api/v1/admin/certificates/" + serial + "/revocation",
                "application/json",
                "{\"reason\":\"" + reason + "\"}");
        assertEquals(200, revoked.statusCode(), revoked.body());
        return json(revoked.body());
    }

    private Run ocsp(String cert, String issuer, String... extra) {
        String[] base = {"openssl", "ocsp", "-issuer", issuer, "-cert", cert, "-url", url, "-CAfile", "root-ca.pem"};
        String[] command = new String[base.length + extra.length];
        System.arraycopy(base, 0, command, 0, base.length);
        System.arraycopy(extra, 0, command, base.length, extra.length);
        return run(dir, command);
    }

    @Test
    void goodThenRevokedWithReasonAndTimeRightAfterTheRevokeCallWithAndWithoutNonce() throws Exception {
        String serial = issue("dev");
        for (String[] nonce : new String[][] {{}, {"-no_nonce"}}) {
            Run good = ocsp("dev.pem", "device-ca.pem", nonce);
            assertEquals(0, good.exitCode(), good.output());
            assertTrue(good.output().contains("Response verify OK"), good.output());
            assertTrue(good.output().contains("dev.pem: good"), good.output());
        }
        JsonObject revoked = revoke(serial, "keyCompromise");
        Instant revokedAt = Instant.parse(revoked.getString("revokedAt"));
        for (String[] nonce : new String[][] {{"-no_nonce"}, {}}) {
            Run r = ocsp("dev.pem", "device-ca.pem", nonce);
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("Response verify OK"), r.output());
            assertTrue(r.output().contains("dev.pem: revoked"), r.output());
            assertTrue(r.output().contains("Reason: keyCompromise"), r.output());
            assertTrue(r.output().contains("Revocation Time: " + OPENSSL_TIME.format(revokedAt)), r.output());
        }
    }

    @Test
    void aForeignCasCertificateIsUnknown() {
        Run ca = run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "foreign-ca.key",
                "-out",
                "foreign-ca.pem",
                "-subj",
                "/CN=Foreign CA",
                "-days",
                "2");
        assertEquals(0, ca.exitCode(), ca.output());
        opensslCsr(dir, "foreign", "foreign-device");
        Run leaf = run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                "foreign.csr",
                "-CA",
                "foreign-ca.pem",
                "-CAkey",
                "foreign-ca.key",
                "-CAcreateserial",
                "-out",
                "foreign.pem",
                "-days",
                "1");
        assertEquals(0, leaf.exitCode(), leaf.output());
        Run r = ocsp("foreign.pem", "foreign-ca.pem");
        assertTrue(r.output().contains("foreign.pem: unknown"), r.output());
        // our delegated signer is no authority for another CA's certificates, so openssl rightly does not accept
        // the signature on its own; it does with the signer named as the responder it trusts
        Run signed = ocsp("foreign.pem", "foreign-ca.pem", "-respout", "foreign.der");
        assertTrue(signed.output().contains("foreign.pem: unknown"), signed.output());
        Run text = run(dir, "openssl", "ocsp", "-respin", "foreign.der", "-resp_text", "-noverify");
        assertTrue(text.output().contains("OCSP Signer"), text.output());
    }

    @Test
    void theResponseIsSignedByTheDelegatedOcspSignerOfTheDeviceCa() throws Exception {
        issue("signed");
        Run r = ocsp("signed.pem", "device-ca.pem", "-respout", "resp.der");
        assertEquals(0, r.exitCode(), r.output());
        BasicOCSPResp basic =
                (BasicOCSPResp) new OCSPResp(Files.readAllBytes(dir.resolve("resp.der"))).getResponseObject();
        X509CertificateHolder signerHolder = basic.getCerts()[0];
        X509Certificate signer = new JcaX509CertificateConverter().getCertificate(signerHolder);
        X509Certificate deviceCa = DeviceTrustServer.certificate(Files.readString(dir.resolve("device-ca.pem")));
        signer.verify(deviceCa.getPublicKey());
        assertTrue(signer.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_OCSPSigning.getId()));
        assertTrue(signer.getNonCriticalExtensionOIDs().contains("1.3.6.1.5.5.7.48.1.5"), "ocsp-nocheck");
        assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer.getPublicKey())));
        assertTrue(
                Duration.between(
                                        signer.getNotBefore().toInstant(),
                                        signer.getNotAfter().toInstant())
                                .compareTo(Duration.ofDays(7))
                        <= 0,
                "short-lived signer");
        JsonObject status =
                json(SERVER.admin("GET", "/api/v1/admin/ocsp", null, null).body());
        assertEquals(signer.getSerialNumber().toString(16), status.getString("signerSerial"));
        assertTrue(status.getJsonObject("answers").getJsonNumber("GOOD").longValue() >= 1, status.toString());
        // the same check by openssl, with the signer as the only trusted responder certificate
        Files.writeString(
                dir.resolve("signer.pem"),
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(signer.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Run pinned = run(
                dir,
                "openssl",
                "ocsp",
                "-respin",
                "resp.der",
                "-VAfile",
                "signer.pem",
                "-issuer",
                "device-ca.pem",
                "-cert",
                "signed.pem",
                "-no_nonce");
        assertTrue(pinned.output().contains("Response verify OK"), pinned.output());
    }

    @Test
    void getAndPostBothAnswerAndPreProducedResponsesCarryHttpCachingHeaders() throws Exception {
        issue("cached");
        Run req = run(
                dir,
                "openssl",
                "ocsp",
                "-issuer",
                "device-ca.pem",
                "-cert",
                "cached.pem",
                "-no_nonce",
                "-reqout",
                "req.der");
        assertEquals(0, req.exitCode(), req.output());
        byte[] request = Files.readAllBytes(dir.resolve("req.der"));
        HttpClient client = HttpClient.newHttpClient();

        HttpResponse<byte[]> post = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String encoded = java.net.URLEncoder.encode(
                Base64.getEncoder().encodeToString(request), java.nio.charset.StandardCharsets.US_ASCII);
        HttpResponse<byte[]> get = client.send(
                HttpRequest.newBuilder(URI.create(url + "/" + encoded)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        for (HttpResponse<byte[]> response : java.util.List.of(post, get)) {
            assertEquals(200, response.statusCode());
            assertEquals(
                    "application/ocsp-response",
                    response.headers().firstValue("Content-Type").orElse(""));
            String cacheControl = response.headers().firstValue("Cache-Control").orElse("");
            assertTrue(cacheControl.matches("max-age=\\d+, public, no-transform, must-revalidate"), cacheControl);
            assertTrue(
                    response.headers().firstValue("Last-Modified").isPresent(),
                    response.headers().toString());
            assertTrue(
                    response.headers().firstValue("Expires").isPresent(),
                    response.headers().toString());
            assertTrue(
                    response.headers().firstValue("ETag").isPresent(),
                    response.headers().toString());
            Files.write(dir.resolve("http.der"), response.body());
            Run text = run(
                    dir,
                    "openssl",
                    "ocsp",
                    "-respin",
                    "http.der",
                    "-CAfile",
                    "root-ca.pem",
                    "-issuer",
                    "device-ca.pem",
                    "-cert",
                    "cached.pem");
            assertTrue(text.output().contains("Response verify OK"), text.output());
            assertTrue(text.output().contains("cached.pem: good"), text.output());
        }
        assertEquals(post.headers().firstValue("ETag"), get.headers().firstValue("ETag"), "one pre-produced response");

        Run nonced =
                run(dir, "openssl", "ocsp", "-issuer", "device-ca.pem", "-cert", "cached.pem", "-reqout", "nonce.der");
        assertEquals(0, nonced.exitCode(), nonced.output());
        HttpResponse<byte[]> fresh = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofFile(dir.resolve("nonce.der")))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("no-store", fresh.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(fresh.headers().firstValue("ETag").isEmpty());
    }

    @Test
    void aMalformedRequestGetsMalformedRequestNeverA500() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (HttpRequest request : java.util.List.of(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofString("this is not DER"))
                        .build(),
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024]))
                        .build(),
                HttpRequest.newBuilder(URI.create(url + "/%21%21notbase64"))
                        .GET()
                        .build(),
                HttpRequest.newBuilder(URI.create(url)).GET().build())) {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode(), request.toString());
            Files.write(dir.resolve("bad.der"), response.body());
            Run text = run(dir, "openssl", "ocsp", "-respin", "bad.der", "-resp_text", "-noverify");
            assertTrue(text.output().contains("malformedrequest"), request + ": " + text.output());
        }
    }

    @Test
    void aDeltaCrlListsARevocationAfterItsBaseAndOpensslRejectsTheCertificateWithBaseAndDelta() throws Exception {
        JsonObject published =
                json(SERVER.admin("POST", "/api/v1/admin/crl", null, null).body());
        long full = published.getJsonNumber("crlNumber").longValue();
        long firstDelta =
                published.getJsonObject("delta").getJsonNumber("crlNumber").longValue();
        assertTrue(firstDelta > full, published.toString());
        fetch("/pki/crl/device-ca.crl", "base.crl");
        String serial = issue("late");
        Run before = run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                "chain.pem",
                "-crl_check",
                "-CRLfile",
                crlPem("base.crl"),
                "late.pem");
        assertEquals(0, before.exitCode(), before.output());

        revoke(serial, "affiliationChanged");
        fetch("/pki/crl/device-ca.crl", "base-after.crl");
        assertEquals(full, crlNumber("base-after.crl"), "the full CRL keeps its schedule");
        fetch("/pki/crl/device-ca-delta.crl", "delta.crl");
        Run text = run(
                dir,
                "openssl",
                "crl",
                "-inform",
                "DER",
                "-in",
                "delta.crl",
                "-CAfile",
                "chain.pem",
                "-noout",
                "-verify",
                "-text");
        assertEquals(0, text.exitCode(), text.output());
        assertTrue(text.output().contains("verify OK"), text.output());
        assertTrue(text.output().contains("Delta CRL Indicator: critical"), text.output());
        assertTrue(text.output().toUpperCase().contains(serial.toUpperCase()), text.output());
        assertTrue(text.output().contains("Affiliation Changed"), text.output());
        long delta = crlNumber("delta.crl");
        assertTrue(delta > firstDelta, "one strictly increasing sequence: " + full + ", " + firstDelta + ", " + delta);
        Run fullText = run(dir, "openssl", "crl", "-inform", "DER", "-in", "base.crl", "-noout", "-text");
        assertTrue(fullText.output().contains("Freshest CRL"), fullText.output());
        assertTrue(fullText.output().contains("/pki/crl/device-ca-delta.crl"), fullText.output());

        Run baseOnly = run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                "chain.pem",
                "-crl_check",
                "-CRLfile",
                crlPem("base.crl"),
                "late.pem");
        assertEquals(0, baseOnly.exitCode(), "the base alone does not know yet: " + baseOnly.output());
        Run withDelta = run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                "chain.pem",
                "-crl_check",
                "-use_deltas",
                "-CRLfile",
                crlPem("base.crl"),
                "-CRLfile",
                crlPem("delta.crl"),
                "late.pem");
        assertNotEquals(0, withDelta.exitCode(), withDelta.output());
        assertTrue(withDelta.output().contains("certificate revoked"), withDelta.output());

        JsonObject next =
                json(SERVER.admin("POST", "/api/v1/admin/crl", null, null).body());
        assertTrue(next.getJsonNumber("crlNumber").longValue() > delta, next.toString());
        assertEquals(
                next.getJsonNumber("crlNumber").longValue(),
                next.getJsonObject("delta").getJsonNumber("baseCrlNumber").longValue());
    }

    private void fetch(String path, String file) {
        HttpResponse<byte[]> r = SERVER.getBytes(SERVER.http(path));
        assertEquals(200, r.statusCode(), path);
        try {
            Files.write(dir.resolve(file), r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private String crlPem(String derFile) {
        String pemFile = derFile + ".pem";
        Run r = run(dir, "openssl", "crl", "-inform", "DER", "-in", derFile, "-out", pemFile);
        assertEquals(0, r.exitCode(), r.output());
        return pemFile;
    }

    private long crlNumber(String derFile) {
        Run r = run(dir, "openssl", "crl", "-inform", "DER", "-in", derFile, "-noout", "-crlnumber");
        assertEquals(0, r.exitCode(), r.output());
        String hex = r.output().strip().substring(r.output().strip().indexOf('=') + 1);
        return Long.parseLong(hex.replace("0x", ""), 16);
    }
}
