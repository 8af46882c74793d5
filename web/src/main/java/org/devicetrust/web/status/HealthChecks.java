package org.devicetrust.web.status;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.devicetrust.device.boundary.AuthorizationViews;
import org.devicetrust.pki.boundary.PkiHealth;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health checks, served by the server at {@code /health/ready} and {@code /health/live}: what a load
 * balancer and an operator's monitoring ask. Ready means this node can decide device requests and sign: the
 * database answers, the Device CA key signs, the published CRL is still current, and the authorization view is
 * within its staleness bound. Live means the JVM is not stuck (no deadlocked threads); a node that is live but not
 * ready is taken out of the balancer, not restarted. No check returns a secret, a
 * message from a driver, or a stack trace.
 */
@ApplicationScoped
public class HealthChecks {

    @Inject
    PkiHealth pki;

    @Inject
    AuthorizationViews views;

    @Produces
    @Readiness
    HealthCheck database() {
        return () -> {
            HealthCheckResponseBuilder check = HealthCheckResponse.named("database");
            long started = System.nanoTime();
            try (Connection c = dataSource().getConnection()) {
                if (c.isValid(2)) {
                    return check.up().withData("millis", millisSince(started)).build();
                }
                return check.down()
                        .withData("error", "the connection is not valid")
                        .build();
            } catch (SQLException | NamingException | RuntimeException e) {
                return check.down().withData("error", reason(e)).build();
            }
        };
    }

    /**
     * The server's data source by its global name, looked up when a probe asks: health checks are called by the
     * server's health service, outside this module's naming environment, where an injected resource reference
     * fails the deployment.
     */
    private static DataSource dataSource() throws NamingException {
        return (DataSource) new InitialContext().lookup("jdbc/devicetrust");
    }

    @Produces
    @Readiness
    HealthCheck caKey() {
        return () -> {
            HealthCheckResponseBuilder check = HealthCheckResponse.named("device-ca-key");
            try {
                Duration took = pki.signWithDeviceCaKey();
                return check.up().withData("signMicros", took.toNanos() / 1000).build();
            } catch (RuntimeException e) {
                return check.down().withData("error", reason(e)).build();
            }
        };
    }

    @Produces
    @Readiness
    HealthCheck crl() {
        return () -> {
            HealthCheckResponseBuilder check = HealthCheckResponse.named("crl");
            try {
                Optional<PkiHealth.CrlTimes> crl = pki.currentCrl();
                if (crl.isEmpty()) {
                    return check.down()
                            .withData("error", "no CRL published yet")
                            .build();
                }
                Instant now = pki.now();
                PkiHealth.CrlTimes times = crl.get();
                check.withData("number", times.number())
                        .withData("ageSeconds", times.age(now).toSeconds())
                        .withData("nextUpdate", times.nextUpdate().toString());
                return (times.current(now) ? check.up() : check.down()).build();
            } catch (RuntimeException e) {
                return check.down().withData("error", reason(e)).build();
            }
        };
    }

    @Produces
    @Readiness
    HealthCheck authorizationView() {
        return () -> {
            HealthCheckResponseBuilder check = HealthCheckResponse.named("authorization-view");
            try {
                AuthorizationViews.Freshness view = views.freshness();
                view.age().ifPresent(age -> check.withData("ageMillis", age.toMillis()));
                check.withData("certificates", view.certificates()).withData("devices", view.devices());
                if (view.fresh()) {
                    return check.up().build();
                }
                return check.down()
                        .withData(
                                "error",
                                view.lastFailure() != null
                                        // the type only, as for every check: the message may come from the driver
                                        ? "cannot follow the database ("
                                                + view.lastFailure().split(":", 2)[0] + ")"
                                        : "not confirmed within its staleness bound")
                        .build();
            } catch (RuntimeException e) {
                return check.down().withData("error", reason(e)).build();
            }
        };
    }

    @Produces
    @Liveness
    HealthCheck threads() {
        return () -> {
            long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
            HealthCheckResponseBuilder check = HealthCheckResponse.named("threads");
            return deadlocked == null
                    ? check.up().build()
                    : check.down().withData("deadlocked", deadlocked.length).build();
        };
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /**
     * The innermost cause's type only: the health endpoints are public, and a driver's message can name hosts,
     * users or paths. The server log has the rest.
     */
    static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
