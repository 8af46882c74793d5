package org.devicetrust.web.console;

import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.ByteArrayInputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditRecord;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.entity.Device;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.device.entity.DeviceStatusChange;
import org.devicetrust.enrollment.boundary.Enrollment;
import org.devicetrust.firmware.boundary.DeviceUpdates;
import org.devicetrust.firmware.entity.RunningFirmware;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.CertificateRevocation;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.RevocationReason;
import org.primefaces.model.DefaultStreamedContent;
import org.primefaces.model.StreamedContent;

/** One device: certificates, status history, recent authorization decisions; lifecycle actions, revocation. */
@Named
@ViewScoped
public class DeviceDetail implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int RECENT_DECISIONS = 20;
    private static final int UPDATE_HISTORY = 20;

    @Inject
    DeviceRegistry registry;

    @Inject
    CertificateQueries certificateQueries;

    @Inject
    CertificateRevocation revocation;

    @Inject
    AuditLog audit;

    @Inject
    Enrollment enrollment;

    @Inject
    DeviceUpdates updates;

    private String id;
    private Device device;
    private List<IssuedCertificate> certificates = List.of();
    private List<DeviceStatusChange> history = List.of();
    private List<AuditRecord> decisions = List.of();
    private RunningFirmware running;
    private List<DeviceUpdates.HistoryEntry> updateHistory = List.of();

    /** The token just created: shown in this view only, never stored in clear or logged. */
    private Enrollment.NewToken newToken;

    private String statusReason;
    private String revokeSerial;
    private RevocationReason revokeReason = RevocationReason.UNSPECIFIED;

    /** f:viewAction: loads the device named by the {@code id} parameter. */
    public void load() {
        device = id == null ? null : registry.find(id).orElse(null);
        if (device == null) {
            Messages.error("No device with this id is registered.");
            return;
        }
        certificates = certificateQueries.certificatesOf(id);
        history = registry.history(id);
        decisions = audit.recentDecisions(id, RECENT_DECISIONS);
        running = updates.runningFirmware(id).orElse(null);
        updateHistory = updates.history(id, UPDATE_HISTORY);
    }

    /** What the device last reported running; null before its first update report. */
    public RunningFirmware getRunning() {
        return running;
    }

    public List<DeviceUpdates.HistoryEntry> getUpdateHistory() {
        return updateHistory;
    }

    /** Creates a one-time EST enrollment token (replacing unused ones); the page shows it once. */
    public void createEnrollmentToken() {
        try {
            newToken = enrollment.createToken(id, null);
            Messages.info("Enrollment token created for " + id + "; copy it now, it is not shown again.");
        } catch (RuntimeException e) {
            newToken = null;
            Messages.failure("Enrollment token refused", e);
        }
    }

    public Enrollment.NewToken getNewToken() {
        return newToken;
    }

    public void suspend() {
        change(DeviceStatus.SUSPENDED, "Suspended");
    }

    public void reinstate() {
        change(DeviceStatus.ACTIVE, "Reinstated");
    }

    public void decommission() {
        change(DeviceStatus.DECOMMISSIONED, "Decommissioned");
    }

    private void change(DeviceStatus next, String done) {
        try {
            registry.changeStatus(id, next, statusReason == null ? "console" : statusReason.strip());
            Messages.info(done + ": device " + id + " is now " + next + ".");
            statusReason = null;
        } catch (RuntimeException e) {
            Messages.failure("Status change refused", e);
        }
        load();
    }

    /** Chosen in the table; the confirmation dialog then names device and serial. */
    public void prepareRevoke(String serial) {
        revokeSerial = serial;
        revokeReason = RevocationReason.UNSPECIFIED;
    }

    public void revoke() {
        try {
            IssuedCertificate revoked = revocation.revoke(revokeSerial, revokeReason);
            Messages.info("Certificate " + revoked.serialHex() + " of device " + id + " revoked ("
                    + revokeReason.rfcName() + ").");
        } catch (RuntimeException e) {
            Messages.failure("Revocation refused", e);
        }
        revokeSerial = null;
        load();
    }

    public StreamedContent pem(IssuedCertificate certificate) {
        byte[] pem = certificate.pem().getBytes(StandardCharsets.US_ASCII);
        return DefaultStreamedContent.builder()
                .name(id + "-" + certificate.serialHex() + ".pem")
                .contentType("application/x-pem-file")
                .contentLength((long) pem.length)
                .stream(() -> new ByteArrayInputStream(pem))
                .build();
    }

    public boolean isActive() {
        return device != null && device.status() == DeviceStatus.ACTIVE;
    }

    public boolean isSuspended() {
        return device != null && device.status() == DeviceStatus.SUSPENDED;
    }

    public boolean isDecommissioned() {
        return device != null && device.status() == DeviceStatus.DECOMMISSIONED;
    }

    public RevocationReason[] getReasons() {
        return RevocationReason.values();
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Device getDevice() {
        return device;
    }

    public List<IssuedCertificate> getCertificates() {
        return certificates;
    }

    public List<DeviceStatusChange> getHistory() {
        return history;
    }

    public List<AuditRecord> getDecisions() {
        return decisions;
    }

    public String getStatusReason() {
        return statusReason;
    }

    public void setStatusReason(String statusReason) {
        this.statusReason = statusReason;
    }

    public String getRevokeSerial() {
        return revokeSerial;
    }

    public RevocationReason getRevokeReason() {
        return revokeReason;
    }

    public void setRevokeReason(RevocationReason revokeReason) {
        this.revokeReason = revokeReason;
    }
}
