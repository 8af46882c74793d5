package org.devicetrust.web.status;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.devicetrust.audit.boundary.AuditCounters;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.boundary.AuthorizationViews;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.entity.AccessReason;
import org.devicetrust.firmware.boundary.UpdateImages;
import org.devicetrust.pki.boundary.PkiHealth;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The application metrics an operator scrapes from {@code /metrics} (MicroProfile Metrics, Prometheus text):
 * device decisions by reason, committed audit records by action and outcome (issuance, revocation, CRL
 * publication, refusals...), CRL number and age, the authorization view's age and size, and the device's firmware
 * image range requests. All read counters
 * the server keeps anyway, so a scrape adds no work to a device request; counts are per node since its start.
 */
@ApplicationScoped
public class OperatorMetrics {

    /** The CRL row is read at most this often, however many gauges and scrapers ask. */
    private static final Duration CRL_READ_INTERVAL = Duration.ofSeconds(5);

    @Inject
    MetricRegistry registry;

    @Inject
    DeviceAccess access;

    @Inject
    AuditCounters audit;

    @Inject
    AuthorizationViews views;

    @Inject
    PkiHealth pki;

    @Inject
    UpdateImages updateImages;

    private volatile CrlReading crlReading;

    private record CrlReading(Instant readAt, Optional<PkiHealth.CrlTimes> crl) {}

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (AccessReason reason : AccessReason.values()) {
            gauge(
                    "devicetrust_device_decisions",
                    "Device requests decided by this node since it started, by reason"
                            + " (allowed, or the problem type of the refusal)",
                    MetricUnits.NONE,
                    () -> access.decisionCounts().getOrDefault(reason, 0L),
                    new Tag("reason", reason.problemType()));
        }
        for (AuditAction action : AuditAction.values()) {
            for (AuditOutcome outcome : AuditOutcome.values()) {
                gauge(
                        "devicetrust_audit_records",
                        "Audit records committed by this node since it started, by action"
                                + " and outcome (certificate_issued is issuance, certificate_revoked revocation)",
                        MetricUnits.NONE,
                        () -> audit.count(action, outcome),
                        new Tag("action", action.name().toLowerCase(Locale.ROOT)),
                        new Tag("outcome", outcome.name().toLowerCase(Locale.ROOT)));
            }
        }
        gauge(
                "devicetrust_crl_number",
                "Number of the newest full CRL (-1 before the first)",
                MetricUnits.NONE,
                () -> crl().map(PkiHealth.CrlTimes::number).orElse(-1L));
        gauge(
                "devicetrust_crl_age",
                "Age of the newest full CRL (-1 before the first)",
                MetricUnits.SECONDS,
                () -> crl().map(c -> c.age(pki.now()).toSeconds()).orElse(-1L));
        gauge(
                "devicetrust_crl_next_update_in",
                "Time until the newest full CRL's nextUpdate (negative when past)",
                MetricUnits.SECONDS,
                () -> crl().map(c -> Duration.between(pki.now(), c.nextUpdate()).toSeconds())
                        .orElse(-1L));
        gauge(
                "devicetrust_authorization_view_age",
                "Time since the authorization view last confirmed it is current (-1 before its first load)",
                MetricUnits.MILLISECONDS,
                () -> views.freshness().age().map(Duration::toMillis).orElse(-1L));
        gauge(
                "devicetrust_authorization_view_fresh",
                "1 while the authorization view is within its staleness"
                        + " bound (device requests are answered), else 0",
                MetricUnits.NONE,
                () -> views.freshness().fresh() ? 1L : 0L);
        gauge(
                "devicetrust_authorization_view_certificates",
                "Certificates in this node's authorization view",
                MetricUnits.NONE,
                () -> (long) views.freshness().certificates());
        gauge(
                "devicetrust_authorization_view_devices",
                "Devices in this node's authorization view",
                MetricUnits.NONE,
                () -> (long) views.freshness().devices());
        updateGauges();
    }

    private void updateGauges() {
        gauge(
                "devicetrust_update_chunk_requests",
                "Firmware image range requests by devices for their updates, answered or refused after the update"
                        + " was found, on this node since it started",
                MetricUnits.NONE,
                updateImages::chunkRequests);
    }

    private void gauge(String name, String description, String unit, Supplier<Long> value, Tag... tags) {
        Metadata metadata = Metadata.builder()
                .withName(name)
                .withDescription(description)
                .withUnit(unit)
                .build();
        registry.gauge(metadata, value, tags);
    }

    private Optional<PkiHealth.CrlTimes> crl() {
        CrlReading reading = crlReading;
        Instant now = Instant.now();
        if (reading == null || Duration.between(reading.readAt(), now).compareTo(CRL_READ_INTERVAL) > 0) {
            try {
                reading = new CrlReading(now, pki.currentCrl());
            } catch (RuntimeException e) {
                reading = new CrlReading(now, Optional.empty()); // the database is down: readiness says so
            }
            crlReading = reading;
        }
        return reading.crl();
    }
}
