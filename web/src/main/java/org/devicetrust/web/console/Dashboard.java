package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.boundary.AuditLog.HourlyAuthorizations;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.OcspResponder;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;

/**
 * The fleet at a glance: counts, the last 24 hours of device authorizations, the CRLs, the OCSP responder, what
 * expires soon.
 */
@Named
@ViewScoped
public class Dashboard implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int EXPIRY_WINDOW_DAYS = 30;
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("HH:00").withZone(ZoneOffset.UTC);

    @Inject
    DeviceRegistry registry;

    @Inject
    CertificateQueries certificateQueries;

    @Inject
    AuditLog audit;

    @Inject
    OcspResponder ocspResponder;

    private Map<DeviceStatus, Long> devices;
    private Map<CertificateStatus, Long> certificates;
    private List<HourlyAuthorizations> authorizations;
    private PublishedCrl crl;
    private PublishedCrl deltaCrl;
    private OcspResponder.Status ocsp;
    private long expiringCount;
    private List<IssuedCertificate> expiring;

    public void load() {
        devices = registry.countByStatus();
        certificates = certificateQueries.countByStatus();
        authorizations = audit.authorizationsPerHour();
        crl = certificateQueries.currentCrl().orElse(null);
        deltaCrl = certificateQueries.currentDeltaCrl().orElse(null);
        ocsp = ocspResponder.status();
        expiringCount = certificateQueries.countExpiringWithin(EXPIRY_WINDOW_DAYS);
        expiring = certificateQueries.expiringWithin(EXPIRY_WINDOW_DAYS, 10);
    }

    /** Chart.js configuration for p:chart, built as JSON (never by string concatenation of data). */
    public String getAuthorizationChart() {
        JsonArrayBuilder labels = Json.createArrayBuilder();
        JsonArrayBuilder allowed = Json.createArrayBuilder();
        JsonArrayBuilder refused = Json.createArrayBuilder();
        for (HourlyAuthorizations hour : authorizations) {
            labels.add(HOUR.format(hour.hourStart()));
            allowed.add(hour.allowed());
            refused.add(hour.refused());
        }
        return Json.createObjectBuilder()
                .add("type", "bar")
                .add(
                        "data",
                        Json.createObjectBuilder()
                                .add("labels", labels)
                                .add(
                                        "datasets",
                                        Json.createArrayBuilder()
                                                .add(Json.createObjectBuilder()
                                                        .add("label", "allowed")
                                                        .add("data", allowed)
                                                        .add("backgroundColor", "#22c55e"))
                                                .add(Json.createObjectBuilder()
                                                        .add("label", "refused")
                                                        .add("data", refused)
                                                        .add("backgroundColor", "#ef4444"))))
                .add(
                        "options",
                        Json.createObjectBuilder()
                                .add("animation", false)
                                .add("responsive", true)
                                .add("maintainAspectRatio", false)
                                .add(
                                        "scales",
                                        Json.createObjectBuilder()
                                                .add(
                                                        "x",
                                                        Json.createObjectBuilder()
                                                                .add("stacked", true))
                                                .add(
                                                        "y",
                                                        Json.createObjectBuilder()
                                                                .add("stacked", true)
                                                                .add("beginAtZero", true))))
                .build()
                .toString();
    }

    public long getAllowedTotal() {
        return authorizations.stream().mapToLong(HourlyAuthorizations::allowed).sum();
    }

    public long getRefusedTotal() {
        return authorizations.stream().mapToLong(HourlyAuthorizations::refused).sum();
    }

    public String getCrlAge() {
        return Optional.ofNullable(crl)
                .map(c -> Durations.human(Duration.between(c.thisUpdate(), Instant.now())))
                .orElse("");
    }

    public String getDeltaCrlAge() {
        return Optional.ofNullable(deltaCrl)
                .map(c -> Durations.human(Duration.between(c.thisUpdate(), Instant.now())))
                .orElse("");
    }

    public PublishedCrl getDeltaCrl() {
        return deltaCrl;
    }

    /** The delegated OCSP signer and this node's OCSP answers since it started. */
    public OcspResponder.Status getOcsp() {
        return ocsp;
    }

    public OcspResponder.Outcome[] getOcspOutcomes() {
        return OcspResponder.Outcome.values();
    }

    public Map<DeviceStatus, Long> getDevices() {
        return devices;
    }

    public Map<CertificateStatus, Long> getCertificates() {
        return certificates;
    }

    public DeviceStatus[] getDeviceStatuses() {
        return DeviceStatus.values();
    }

    public CertificateStatus[] getCertificateStatuses() {
        return CertificateStatus.values();
    }

    public PublishedCrl getCrl() {
        return crl;
    }

    public long getExpiringCount() {
        return expiringCount;
    }

    public List<IssuedCertificate> getExpiring() {
        return expiring;
    }

    public int getExpiryWindowDays() {
        return EXPIRY_WINDOW_DAYS;
    }
}
