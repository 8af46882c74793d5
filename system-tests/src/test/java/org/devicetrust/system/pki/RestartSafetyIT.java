package org.devicetrust.system.pki;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.devicetrust.system.DeviceTrustServer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After stop/start the CA, the issued certificates and the CRL number survive; bootstrap does not run twice. */
@Order(Integer.MAX_VALUE)
class RestartSafetyIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;

    @TempDir
    Path dir;

    @Test
    void caCertificatesAndCrlNumberSurviveARestart() {
        String id = SERVER.registerDevice("restart-" + System.nanoTime() % 1_000_000, "restart");
        HttpResponse<String> issued = SERVER.admin("POST", "/api/v1/admin/devices/" + id + "/certificates",
                "application/x-pem-file", opensslCsr(dir, "r", id));
        assertEquals(201, issued.statusCode(), issued.body());
        String serial = json(issued.body()).getString("serial");
        HttpResponse<String> published = SERVER.admin("POST", "/api/v1/admin/crl", null, null);
        assertEquals(200, published.statusCode(), published.body());
        long crlNumber = json(published.body()).getJsonNumber("crlNumber").longValue();
        String rootBefore = SERVER.get(SERVER.http("/pki/ca/root-ca.pem")).body();

        String launcher = System.getProperty("devicetrust.launcher");
        Run stop = run(dir, launcher, "stop");
        assertEquals(0, stop.exitCode(), stop.output());
        Run start = run(dir, launcher, "start");
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(start.output().contains("nothing to do") || start.output().contains("already"),
                "the second bootstrap must leave the CA alone: " + start.output());

        assertEquals(rootBefore, SERVER.get(SERVER.http("/pki/ca/root-ca.pem")).body());
        HttpResponse<String> found = SERVER.admin("GET", "/api/v1/admin/certificates/" + serial, null, null);
        assertEquals(200, found.statusCode(), found.body());
        assertEquals(id, json(found.body()).getString("deviceId"));
        HttpResponse<String> crl = SERVER.admin("GET", "/api/v1/admin/crl", null, null);
        assertEquals(200, crl.statusCode(), crl.body());
        assertTrue(json(crl.body()).getJsonNumber("crlNumber").longValue() >= crlNumber,
                "CRL number went back after the restart: " + crl.body());
        HttpResponse<String> next = SERVER.admin("POST", "/api/v1/admin/crl", null, null);
        assertTrue(json(next.body()).getJsonNumber("crlNumber").longValue() > crlNumber, next.body());
    }
}
