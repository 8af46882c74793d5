package org.devicetrust.system.device;

import static org.devicetrust.system.device.DeviceCredentials.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS session resumption on the device port: a device that reconnects resumes its session (no certificate
 * signature, no key exchange by certificate), on TLS 1.3 too, and revocation still applies on a resumed session
 * because the application checks the certificate on every request. One request per connection, from one client
 * {@link SSLContext} (the JDK's), whose session cache holds the server's ticket or session id; a resumed session
 * keeps the creation time of the session it resumes, a full handshake makes a new one.
 */
class TlsResumptionIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void reconnectingDeviceResumesItsSession(String protocol) throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "resume");
        SSLContext client = SERVER.sslContext(device.keyStore(), DeviceCredentials.P12_PASSWORD);

        Exchange first = session(client, protocol);
        Thread.sleep(20); // a full handshake would now make a session with a later creation time
        Exchange second = session(client, protocol);

        for (Exchange e : new Exchange[] {first, second}) {
            assertEquals(protocol, e.session.getProtocol());
            assertTrue(e.response.startsWith("HTTP/1.1 200"), e.response);
            assertTrue(e.response.contains("AUTH OK " + device.deviceId()), e.response);
        }
        assertEquals(
                first.session.getCreationTime(),
                second.session.getCreationTime(),
                protocol + ": the second connection made a new session (full handshake) instead of resuming");

        // the control: a client with nothing to resume makes a new session
        Exchange third = session(SERVER.sslContext(device.keyStore(), DeviceCredentials.P12_PASSWORD), protocol);
        assertTrue(third.response.contains("AUTH OK " + device.deviceId()), third.response);
        assertNotEquals(first.session.getCreationTime(), third.session.getCreationTime());
    }

    @Test
    void revokedCertificateIsRefusedOnAResumedTls13Session() throws Exception {
        Credential device = DeviceCredentials.registeredDevice(dir, "resume-revoked");
        SSLContext client = SERVER.sslContext(device.keyStore(), DeviceCredentials.P12_PASSWORD);
        Exchange before = session(client, "TLSv1.3");
        assertTrue(before.response.contains("AUTH OK " + device.deviceId()), before.response);

        var revoked = DeviceCredentials.revoke(device.serial());
        assertEquals(200, revoked.statusCode(), revoked.body());

        Exchange after = session(client, "TLSv1.3");
        assertEquals(
                before.session.getCreationTime(),
                after.session.getCreationTime(),
                "the connection after the revocation did not resume the session");
        assertTrue(after.response.startsWith("HTTP/1.1 401"), after.response);
        assertTrue(after.response.contains("urn:devicetrust:problem:certificate-revoked"), after.response);
    }

    private record Exchange(SSLSession session, String response) {}

    /** One connection, one GET of the session resource, read to the end (which also takes the server's tickets). */
    private static Exchange session(SSLContext client, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", SERVER.devicePort)) {
            socket.setSoTimeout(15_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            socket.getOutputStream()
                    .write(("GET /api/v1/device/session HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0 && response.size() < 65_536; ) {
                response.write(buffer, 0, n);
            }
            return new Exchange(socket.getSession(), response.toString(StandardCharsets.UTF_8));
        }
    }
}
