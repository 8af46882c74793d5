package org.devicetrust.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;

/**
 * A JCA provider whose {@code SSLContext.TLS} is Conscrypt's with TLS session tickets turned on for every engine.
 *
 * <p>Conscrypt leaves session tickets off per engine and BoringSSL resumes TLS 1.3 sessions only by tickets, so
 * with Conscrypt's own context every TLS 1.3 reconnect is a full handshake. Payara's listeners ask for
 * {@code SSLContext.getInstance("TLS")} and follow {@code jdk.security.provider.preferred}; the launcher names this
 * provider there and keeps Conscrypt registered, which this provider delegates to.
 */
public final class TicketingProvider extends Provider {

    public static final String NAME = "DeviceTrustTickets";

    /** The name Conscrypt registers under; its provider must be in the JVM's list (security.provider.N). */
    static final String CONSCRYPT = "Conscrypt";

    private static final long serialVersionUID = 1L;

    public TicketingProvider() {
        super(NAME, "1.0", "Conscrypt SSLContext with TLS session tickets on (TLS 1.3 resumption)");
        putService(new ContextService(this, "TLS", List.of()));
        putService(new ContextService(this, "TLSv1.3", List.of()));
        putService(new ContextService(this, "TLSv1.2", List.of()));
    }

    private static final class ContextService extends Service {
        private final String protocol;

        ContextService(Provider provider, String protocol, List<String> aliases) {
            super(provider, "SSLContext", protocol, TicketingSslContext.class.getName(), aliases, null);
            this.protocol = protocol;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return new TicketingSslContext(protocol);
        }
    }
}
