package org.devicetrust.device.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.annotation.security.RunAs;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.entity.Device;
import org.devicetrust.pki.boundary.CertificateIssuance;
import org.devicetrust.pki.boundary.FactoryCredential;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * Certificates for registered devices, as administrators ask for them: the device registry's rule (only ACTIVE
 * devices, {@link DeviceRegistry#lockActive}) first, then the CA's issuance in the same transaction. Runs its
 * calls as {@link CertificateIssuance#ISSUER_ROLE}, the only role the CA issues to; the audit records name the
 * administrator.
 */
@Stateless
@RunAs(CertificateIssuance.ISSUER_ROLE)
public class DeviceCertificates {

    @EJB
    DeviceRegistry registry;

    @EJB
    CertificateIssuance issuance;

    @EJB
    AuditLog auditLog;

    @Resource
    SessionContext context;

    /**
     * Issues a device certificate for an ACTIVE device from a PKCS#10 CSR (DER or PEM) and stores it with the
     * device link in the same transaction.
     *
     * @throws PkiException.InvalidCsr      csr-too-large, csr-malformed, csr-signature-invalid, key-unsupported
     * @throws PkiException.UnknownDevice   device-unknown
     * @throws PkiException.DeviceNotActive device-not-active
     */
    @RolesAllowed({"admin", "operator"})
    public IssuedCertificate issue(String deviceId, byte[] csr) {
        String caller = AuditLog.nameOf(context.getCallerPrincipal());
        Device device;
        try {
            device = registry.lockActive(deviceId);
        } catch (PkiException e) {
            auditLog.record(
                    caller,
                    AuditAction.CERTIFICATE_ISSUED,
                    deviceId == null ? "" : deviceId,
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
        return issuance.issue(device.id(), csr, caller);
    }

    /** One request of a batch: a device id and its PKCS#10 CSR (DER or PEM). */
    public record BatchItem(String deviceId, byte[] csr) {}

    /**
     * Batch issuance for factory lines: each device must be ACTIVE (the same rule as {@link #issue}); all
     * certificates and their audit records are stored in one transaction. A refused item (device unknown or not
     * active, CSR refused) is answered with its refusal and does not stop the others.
     *
     * @throws PkiException batch-size-invalid (no items, or more than {@link CertificateIssuance#MAX_BATCH})
     */
    @RolesAllowed({"admin", "operator"})
    public List<CertificateIssuance.BatchResult> issueAll(List<BatchItem> items) {
        if (items == null || items.isEmpty() || items.size() > CertificateIssuance.MAX_BATCH) {
            throw new PkiException(
                    ProblemType.BATCH_SIZE_INVALID,
                    "a batch holds 1 to " + CertificateIssuance.MAX_BATCH + " certificate requests");
        }
        String caller = AuditLog.nameOf(context.getCallerPrincipal());
        Map<String, DeviceRegistry.ActiveOrRefused> devices =
                registry.lockActiveAll(items.stream().map(BatchItem::deviceId).toList());
        List<CertificateIssuance.BatchRequest> requests = new ArrayList<>(items.size());
        for (BatchItem item : items) {
            String id = item.deviceId() == null ? "" : item.deviceId();
            DeviceRegistry.ActiveOrRefused device = devices.get(id);
            requests.add(new CertificateIssuance.BatchRequest(
                    id, device.device() == null ? null : device.device().id(), item.csr(), device.refusal()));
        }
        return issuance.issueAll(requests, caller);
    }

    /**
     * Factory provisioning for an ACTIVE device: the CA generates the key pair, issues the certificate and hands
     * both out once as PKCS#12 ({@link CertificateIssuance#issueWithGeneratedKey}).
     *
     * @throws PkiException.UnknownDevice   device-unknown
     * @throws PkiException.DeviceNotActive device-not-active
     */
    @RolesAllowed({"admin", "operator"})
    public FactoryCredential issueWithGeneratedKey(String deviceId) {
        String caller = AuditLog.nameOf(context.getCallerPrincipal());
        Device device;
        try {
            device = registry.lockActive(deviceId);
        } catch (PkiException e) {
            String subject = deviceId == null ? "" : deviceId;
            String detail = e.type() + ": " + e.getMessage();
            auditLog.record(caller, AuditAction.CERTIFICATE_ISSUED, subject, AuditOutcome.FAILURE, detail);
            auditLog.record(caller, AuditAction.FACTORY_KEY_GENERATED, subject, AuditOutcome.FAILURE, detail);
            throw e;
        }
        return issuance.issueWithGeneratedKey(device.id(), caller);
    }
}
