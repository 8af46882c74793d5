package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.assertProblem;
import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issuance, revocation and the CRL through the admin API of the EAR on Payara Server, checked with openssl,
 * which nobody here wrote.
 */
class CertificateLifecycleIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;

    @TempDir
    Path dir;

    @Test
    void certificateFromOpensslCsrVerifiesAndIsRejectedOnceRevoked() throws Exception {
        String id = SERVER.registerDevice("lifecycle-" + System.nanoTime() % 1_000_000, "lifecycle device");
        String csr = opensslCsr(dir, "device", id);

        HttpResponse<String> issued =
                SERVER.admin("POST", "/api/v1/admin/devices/" + id + "/certificates", "application/x-pem-file", csr);
        assertEquals(201, issued.statusCode(), issued.body());
        JsonObject cert = json(issued.body());
        String serial = cert.getString("serial");
        Files.writeString(dir.resolve("device.pem"), cert.getString("pem"));
        X509Certificate x509 = DeviceTrustServer.certificate(cert.getString("pem"));
        assertEquals(new BigInteger(serial, 16), x509.getSerialNumber());
        assertTrue(x509.getSubjectX500Principal().getName().contains("CN=" + id));
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), x509.getExtendedKeyUsage());

        fetch("/pki/ca/ca-chain.pem", "chain.pem");
        fetch("/pki/ca/device-ca.pem", "device-ca.pem");
        fetch("/pki/crl/device-ca.crl", "before.crl");
        Run verify = run(
                dir,
                "openssl",
                "verify",
                "-CAfile",
                "chain.pem",
                "-crl_check",
                "-CRLfile",
                crlPem("before.crl"),
                "device.pem");
        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("device.pem: OK"), verify.output());
        long crlBefore = crlNumber("before.crl");

        HttpResponse<String> revoked = SERVER.admin(
                "POST",
                "/api/v1/admin/certificates/" + serial + "/revocation",
                "application/json",
                "{\"reason\":\"keyCompromise\"}");
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals("REVOKED", json(revoked.body()).getString("status"));

        // a revocation publishes a delta CRL on the full one (the full CRL keeps its schedule)
        fetch("/pki/crl/device-ca.crl", "base.crl");
        fetch("/pki/crl/device-ca-delta.crl", "after.crl");
        Run rejected = run(
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
                crlPem("after.crl"),
                "device.pem");
        assertNotEquals(0, rejected.exitCode(), rejected.output());
        assertTrue(rejected.output().contains("certificate revoked"), rejected.output());
        assertTrue(crlNumber("after.crl") > crlBefore, "CRL number must grow with a revocation");

        Run crlText = run(dir, "openssl", "crl", "-inform", "DER", "-in", "after.crl", "-noout", "-text");
        assertTrue(crlText.output().toUpperCase().contains(serial.toUpperCase()), crlText.output());
        assertTrue(crlText.output().contains("Key Compromise"), crlText.output());

        HttpResponse<String> again = SERVER.admin(
                "POST",
                "/api/v1/admin/certificates/" + serial + "/revocation",
                "application/json",
                "{\"reason\":\"keyCompromise\"}");
        assertProblem(again, 409, "already-revoked");
    }

    @Test
    void bulkRevocationRevokesTheValidSerialsUnderOneCrlThatOpensslReads() throws Exception {
        List<String> serials = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = SERVER.registerDevice("bulk-api-" + i + "-" + System.nanoTime() % 1_000_000, "bulk");
            HttpResponse<String> issued = SERVER.admin(
                    "POST",
                    "/api/v1/admin/devices/" + id + "/certificates",
                    "application/x-pem-file",
                    opensslCsr(dir, "bulk" + i, id));
            assertEquals(201, issued.statusCode(), issued.body());
            serials.add(json(issued.body()).getString("serial"));
        }
        long crlBefore = json(SERVER.admin("GET", "/api/v1/admin/crl", null, null)
                        .body())
                .getJsonObject("delta")
                .getJsonNumber("crlNumber")
                .longValue();

        HttpResponse<String> bulk = SERVER.admin(
                "POST",
                "/api/v1/admin/revocations",
                "application/json",
                "{\"reason\":\"cessationOfOperation\",\"serials\":[\"" + serials.get(0)
                        + "\",\"7fffffffffffffffffffffff\",\"" + serials.get(1) + "\"]}");
        assertEquals(200, bulk.statusCode(), bulk.body());
        JsonObject outcome = json(bulk.body());
        assertEquals(serials, outcome.getJsonArray("revoked").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(1, outcome.getJsonArray("refused").size(), bulk.body());
        assertEquals(
                "serial-unknown",
                outcome.getJsonArray("refused").getJsonObject(0).getString("type"));
        assertEquals(crlBefore + 1, outcome.getJsonNumber("crlNumber").longValue(), "one delta CRL for the bulk");

        fetch("/pki/crl/device-ca-delta.crl", "bulk.crl");
        assertEquals(crlBefore + 1, crlNumber("bulk.crl"));
        Run crlText = run(dir, "openssl", "crl", "-inform", "DER", "-in", "bulk.crl", "-noout", "-text");
        for (String serial : serials) {
            assertTrue(crlText.output().toUpperCase().contains(serial.toUpperCase()), crlText.output());
        }
        assertTrue(crlText.output().contains("Cessation Of Operation"), crlText.output());

        assertProblem(
                SERVER.admin("POST", "/api/v1/admin/revocations", "application/json", "{\"serials\":[]}"),
                400,
                "bulk-size-invalid");
        assertProblem(
                SERVER.admin("POST", "/api/v1/admin/revocations", "application/json", "{}"), 400, "bulk-size-invalid");
        assertProblem(
                SERVER.admin(
                        "POST",
                        "/api/v1/admin/revocations",
                        "application/json",
                        "{\"serials\":[\"" + serials.get(0) + "\"],\"reason\":\"becauseISaySo\"}"),
                400,
                "invalid-request");
    }

    @Test
    void crlVerifiesWithOpensslAgainstTheDeviceCa() {
        fetch("/pki/ca/device-ca.pem", "device-ca.pem");
        fetch("/pki/crl/device-ca.crl", "current.crl");
        Run r = run(
                dir,
                "openssl",
                "crl",
                "-inform",
                "DER",
                "-in",
                "current.crl",
                "-CAfile",
                "device-ca.pem",
                "-noout",
                "-verify",
                "-crlnumber",
                "-nextupdate");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("verify OK"), r.output());
        assertTrue(r.output().contains("crlNumber="), r.output());
        assertTrue(r.output().contains("nextUpdate="), r.output());
    }

    @Test
    void crlIsServedAsPemOnRequest() {
        HttpResponse<String> pem = SERVER.get(SERVER.http("/pki/crl/device-ca.crl.pem"));
        assertEquals(200, pem.statusCode());
        assertTrue(pem.body().startsWith("-----BEGIN X509 CRL-----"), pem.body());
    }

    @Test
    void caCertificatesServedOverHttpMatchTheBootstrappedFiles() throws Exception {
        HttpResponse<byte[]> root = SERVER.getBytes(SERVER.http("/pki/ca/root-ca.pem"));
        assertEquals(200, root.statusCode());
        assertEquals(Files.readString(SERVER.rootCaPem()).strip(), new String(root.body()).strip());
        HttpResponse<byte[]> der = SERVER.getBytes(SERVER.http("/pki/ca/device-ca.crt"));
        assertEquals(200, der.statusCode());
        X509Certificate deviceCa =
                DeviceTrustServer.certificate(Files.readString(SERVER.pkiDir.resolve("device-ca.pem")));
        assertArrayEquals(deviceCa.getEncoded(), der.body());
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
