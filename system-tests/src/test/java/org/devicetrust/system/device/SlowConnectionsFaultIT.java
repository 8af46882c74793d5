package org.devicetrust.system.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault stage: 300 connections that connect and then send nothing, or one byte a second, held open on the device
 * port and on the HTTPS port, while a real device (mutual TLS) and an administrator keep calling. Every call must
 * be answered, each within a generous bound; the latencies are printed.
 */
class SlowConnectionsFaultIT {

    private static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    private static final int SOCKETS = 300;
    private static final Duration HOLD = Duration.ofSeconds(20);
    private static final long BOUND_MILLIS = 5_000;

    @TempDir
    Path dir;

    @Test
    void realClientsKeepGettingAnswersBesideSlowAndHalfOpenConnections() throws Exception {
        DeviceCredentials.Credential device = DeviceCredentials.registeredDevice(dir, "slow");
        HttpClient deviceClient = device.client();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < SOCKETS; i++) {
                int port = i % 2 == 0 ? SERVER.devicePort : SERVER.httpsPort;
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                sockets.add(s);
            }
            // every third one drips a byte a second (a TLS record header that never completes); the rest are silent
            List<Socket> dripping = new ArrayList<>();
            for (int i = 0; i < sockets.size(); i += 3) {
                dripping.add(sockets.get(i));
            }
            Thread drip = new Thread(() -> {
                byte[] clientHelloStart = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
                for (int b = 0;
                        b < clientHelloStart.length && !Thread.currentThread().isInterrupted();
                        b++) {
                    for (Socket s : dripping) {
                        try {
                            s.getOutputStream().write(clientHelloStart[b]);
                            s.getOutputStream().flush();
                        } catch (IOException closedByServer) {
                            // the server may drop a slow client: that is allowed
                        }
                    }
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            drip.setDaemon(true);
            drip.start();

            List<Long> deviceMillis = new ArrayList<>();
            List<Long> adminMillis = new ArrayList<>();
            long end = System.nanoTime() + HOLD.toNanos();
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = deviceClient.send(
                        HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Accept", "application/json")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                deviceMillis.add((System.nanoTime() - t0) / 1_000_000);
                assertEquals(200, r.statusCode(), r.body());
                t0 = System.nanoTime();
                HttpResponse<String> a = SERVER.admin("GET", "/api/v1/admin/devices/" + device.deviceId(), null, null);
                adminMillis.add((System.nanoTime() - t0) / 1_000_000);
                assertEquals(200, a.statusCode(), a.body());
                Thread.sleep(200);
            }
            drip.interrupt();
            long open = sockets.stream().filter(s -> !s.isClosed()).count();
            Collections.sort(deviceMillis);
            Collections.sort(adminMillis);
            System.out.printf(
                    "fault slow connections: %d held (%d dripping); device API %d calls, p50 %d ms, max %d"
                            + " ms; admin API %d calls, p50 %d ms, max %d ms%n",
                    open,
                    dripping.size(),
                    deviceMillis.size(),
                    deviceMillis.get(deviceMillis.size() / 2),
                    deviceMillis.get(deviceMillis.size() - 1),
                    adminMillis.size(),
                    adminMillis.get(adminMillis.size() / 2),
                    adminMillis.get(adminMillis.size() - 1));
            assertTrue(deviceMillis.size() >= 10, "too few device calls: " + deviceMillis.size());
            assertTrue(deviceMillis.get(deviceMillis.size() - 1) < BOUND_MILLIS, "device API: " + deviceMillis);
            assertTrue(adminMillis.get(adminMillis.size() - 1) < BOUND_MILLIS, "admin API: " + adminMillis);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
