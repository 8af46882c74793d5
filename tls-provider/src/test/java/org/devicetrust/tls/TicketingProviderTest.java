package org.devicetrust.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's context against a JDK (SunJSSE) client over in-memory TLS records: engines are Conscrypt's,
 * parameters are Conscrypt's, and a second connection from the same client resumes the TLS 1.3 session, which
 * Conscrypt's own context does not do.
 */
class TicketingProviderTest {

    private static final char[] PASSWORD = "tls-provider-test".toCharArray();
    private static KeyStore serverKeys;
    private static final Provider TICKETING = new TicketingProvider();

    @BeforeAll
    static void keysAndConscrypt(@TempDir Path dir) throws Exception {
        if (Security.getProvider(TicketingProvider.CONSCRYPT) == null) {
            Security.addProvider(Conscrypt.newProvider());
        }
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-alias",
                        "server",
                        "-dname",
                        "CN=localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        p12.toString(),
                        "-storepass",
                        new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            serverKeys.load(in, PASSWORD);
        }
    }

    @Test
    void registersTlsAndDelegatesParametersToConscrypt() throws Exception {
        SSLContext conscrypt = SSLContext.getInstance("TLS", TicketingProvider.CONSCRYPT);
        for (String protocol : new String[] {"TLS", "TLSv1.3", "TLSv1.2"}) {
            SSLContext context = SSLContext.getInstance(protocol, TICKETING);
            assertEquals(TicketingProvider.NAME, context.getProvider().getName());
            context.init(null, null, null);
            assertTrue(Conscrypt.isConscrypt(context.createSSLEngine()), protocol);
        }
        SSLContext context = SSLContext.getInstance("TLS", TICKETING);
        context.init(null, null, null);
        conscrypt.init(null, null, null);
        assertArrayEquals(
                conscrypt.getSupportedSSLParameters().getProtocols(),
                context.getSupportedSSLParameters().getProtocols());
        assertArrayEquals(
                conscrypt.getSupportedSSLParameters().getCipherSuites(),
                context.getSupportedSSLParameters().getCipherSuites());
        assertArrayEquals(
                conscrypt.getDefaultSSLParameters().getCipherSuites(),
                context.getDefaultSSLParameters().getCipherSuites());
    }

    @Test
    void tls13SessionIsResumed() throws Exception {
        SSLContext server = serverContext(SSLContext.getInstance("TLS", TICKETING));
        SSLContext client = clientContext();
        SSLSession first = connect(client, server);
        Thread.sleep(20);
        SSLSession second = connect(client, server);
        assertEquals("TLSv1.3", second.getProtocol());
        assertEquals(first.getCreationTime(), second.getCreationTime(), "a full handshake, not a resumption");
    }

    @Test
    void conscryptsOwnContextDoesNotResumeTls13() throws Exception { // why this provider exists
        SSLContext server = serverContext(SSLContext.getInstance("TLS", TicketingProvider.CONSCRYPT));
        SSLContext client = clientContext();
        SSLSession first = connect(client, server);
        Thread.sleep(20);
        SSLSession second = connect(client, server);
        assertNotEquals(first.getCreationTime(), second.getCreationTime());
    }

    private static SSLContext serverContext(SSLContext context) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, PASSWORD);
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static SSLContext clientContext() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(serverKeys);
        SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A TLS 1.3 handshake and one server-to-client message; returns the client's session. */
    private static SSLSession connect(SSLContext clientContext, SSLContext serverContext) throws Exception {
        SSLEngine client = clientContext.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {"TLSv1.3"});
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer serverIn = ByteBuffer.allocate(1 << 17);
        ByteBuffer clientIn = ByteBuffer.allocate(1 << 17);
        ByteBuffer greeting = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer nothing = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 200; round++) {
            step(client.wrap(nothing, toServer), client);
            step(server.wrap(greeting, toClient), server);
            toServer.flip();
            step(server.unwrap(toServer, serverIn), server);
            toServer.compact();
            toClient.flip();
            step(client.unwrap(toClient, clientIn), client);
            toClient.compact();
            if (clientIn.position() >= 5 && toClient.position() == 0) {
                return client.getSession();
            }
        }
        throw new AssertionError("no TLS exchange after 200 rounds");
    }

    private static void step(SSLEngineResult result, SSLEngine engine) {
        assertTrue(result.getStatus() != SSLEngineResult.Status.CLOSED, result.toString());
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }
}
