package org.devicetrust.platform.control;

import org.eclipse.persistence.config.SessionCustomizer;
import org.eclipse.persistence.sessions.DatabaseLogin;
import org.eclipse.persistence.sessions.Session;

/**
 * EclipseLink retries a read that failed on a communication error up to three times, 5 s apart, so while the
 * database is down every read held its request for 10-15 s (measured: a readiness probe answered after 10 s). The
 * connection pool already bounds every wait (2 s) and drops dead connections, and the callers answer a database
 * failure with a 503: a retry only turns a fast refusal into a hang. No Jakarta API reaches these settings, hence
 * the provider's own customizer (named in persistence.xml).
 */
public class FailFastReads implements SessionCustomizer {

    @Override
    public void customize(Session session) {
        if (session.getDatasourceLogin() instanceof DatabaseLogin login) {
            login.setQueryRetryAttemptCount(0);
            login.setDelayBetweenConnectionAttempts(0);
        }
    }
}
