package org.devicetrust.tls;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.conscrypt.Conscrypt;

/**
 * Every call goes to a Conscrypt {@link SSLContext} of the same protocol; the only change is that each engine it
 * creates has session tickets on. Protocols, cipher suites, client authentication and trust are whatever the caller
 * sets on the engine (the listener's own settings), exactly as with Conscrypt's context.
 *
 * <p>Server sockets ({@link #engineGetServerSocketFactory()}) and client sockets are Conscrypt's as they are:
 * Conscrypt has no public way to turn tickets on for the sockets a server socket accepts, and Payara's HTTP
 * listeners use engines.
 */
final class TicketingSslContext extends SSLContextSpi {

    private final SSLContext conscrypt;

    TicketingSslContext(String protocol) throws NoSuchAlgorithmException {
        Provider provider = Security.getProvider(TicketingProvider.CONSCRYPT);
        if (provider == null) {
            throw new NoSuchAlgorithmException(TicketingProvider.NAME + " delegates to the "
                    + TicketingProvider.CONSCRYPT + " provider, which is not registered (security.provider.N)");
        }
        this.conscrypt = SSLContext.getInstance(protocol, provider);
    }

    @Override
    protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
            throws KeyManagementException {
        conscrypt.init(keyManagers, trustManagers, random);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return withTickets(conscrypt.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return withTickets(conscrypt.createSSLEngine(host, port));
    }

    private static SSLEngine withTickets(SSLEngine engine) {
        Conscrypt.setUseSessionTickets(engine, true);
        return engine;
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return conscrypt.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return conscrypt.getServerSocketFactory();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return conscrypt.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return conscrypt.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return conscrypt.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return conscrypt.getSupportedSSLParameters();
    }
}
