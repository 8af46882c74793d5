package org.devicetrust.pki.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.entity.CrlSeries;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.SerialNumber;
import org.devicetrust.platform.boundary.AuthorizationChanges;
import org.devicetrust.platform.control.Texts;
import org.devicetrust.platform.entity.AuthorizationChange;

/**
 * Revocation, one certificate or a bulk: marks the certificates revoked and publishes a delta CRL in the same
 * transaction (through {@link CrlPublisher}, under the CRL series lock; the full CRL follows its schedule), audited per certificate, success and
 * failure. Every refusal is a {@link PkiException} with a stable type; a refused single revocation rolls back.
 */
@Stateless
public class CertificateRevocation {

    /** The most serials one {@link #revokeAll} call takes: one bounded transaction and one CRL. */
    public static final int MAX_BULK_REVOCATIONS = 500;

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    @EJB
    CrlPublisher crlPublisher;

    @EJB
    AuditLog auditLog;

    @EJB
    AuthorizationChanges changes;

    @Resource
    SessionContext context;

    @Inject
    Clock clock;

    /**
     * Revokes by serial (hex, as printed by {@code openssl x509 -serial}) and publishes a new CRL in the same
     * transaction.
     *
     * @throws PkiException.UnknownSerial     serial-unknown
     * @throws PkiException.AlreadyRevoked    already-revoked
     * @throws PkiException.UnsupportedReason reason-unsupported
     */
    @RolesAllowed({"admin", "operator"})
    public IssuedCertificate revoke(String serial, RevocationReason reason) {
        String caller = caller();
        return revoke(serial, reason, caller, caller);
    }

    /**
     * EST re-enrollment: revokes the certificate a renewal replaced (reason superseded) in the caller's
     * transaction, recording {@code revokedBy} for the revocation and {@code publishedBy} for its CRL.
     */
    @RolesAllowed(CertificateIssuance.ISSUER_ROLE)
    public IssuedCertificate revokeSuperseded(String serial, String revokedBy, String publishedBy) {
        return revoke(serial, RevocationReason.SUPERSEDED, revokedBy, publishedBy);
    }

    private IssuedCertificate revoke(String serial, RevocationReason reason, String revokedBy, String publishedBy) {
        String subject = serial == null ? "" : serial;
        try {
            SerialNumber number = serial(serial);
            subject = number.hex();
            requireReason(reason);
            CrlSeries series = crlPublisher.lockSeries();
            IssuedCertificate certificate = markRevoked(number, reason, revokedBy);
            PublishedCrl crl = crlPublisher.publishDelta(series, publishedBy);
            auditLog.record(
                    revokedBy,
                    AuditAction.CERTIFICATE_REVOKED,
                    number.hex(),
                    AuditOutcome.SUCCESS,
                    "device " + certificate.deviceId() + ", reason " + reason.rfcName() + ", CRL " + crl.crlNumber());
            return certificate;
        } catch (PkiException e) {
            auditLog.record(
                    revokedBy,
                    AuditAction.CERTIFICATE_REVOKED,
                    subject,
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * Revokes up to {@link #MAX_BULK_REVOCATIONS} certificates in one transaction and publishes one CRL for all
     * of them. A serial that cannot be revoked (unknown, already revoked, named twice) is refused on its own and
     * audited as a failure; the others are revoked all the same.
     *
     * @throws PkiException bulk-size-invalid (no serials, or too many); reason-unsupported
     */
    @RolesAllowed({"admin", "operator"})
    public BulkRevocation revokeAll(List<String> serials, RevocationReason reason) {
        if (serials == null || serials.isEmpty() || serials.size() > MAX_BULK_REVOCATIONS) {
            throw new PkiException(
                    "bulk-size-invalid", "a bulk revocation names 1 to " + MAX_BULK_REVOCATIONS + " serials");
        }
        requireReason(reason);
        String revokedBy = caller();
        CrlSeries series = crlPublisher.lockSeries();
        List<IssuedCertificate> revoked = new ArrayList<>();
        List<BulkRevocation.Refusal> refused = new ArrayList<>();
        Set<SerialNumber> seen = new HashSet<>();
        for (String serial : serials) {
            String subject = serial == null ? "" : Texts.printable(serial, 80);
            try {
                SerialNumber number = serial(serial);
                subject = number.hex();
                if (!seen.add(number)) {
                    throw new PkiException("serial-duplicate", "serial " + number.hex() + " is named twice");
                }
                revoked.add(markRevoked(number, reason, revokedBy));
            } catch (PkiException e) {
                refused.add(new BulkRevocation.Refusal(subject, e.type(), e.getMessage()));
                auditLog.record(
                        revokedBy,
                        AuditAction.CERTIFICATE_REVOKED,
                        subject,
                        AuditOutcome.FAILURE,
                        e.type() + ": " + e.getMessage());
            }
        }
        if (revoked.isEmpty()) {
            return new BulkRevocation(List.of(), refused, OptionalLong.empty());
        }
        PublishedCrl crl = crlPublisher.publishDelta(series, revokedBy);
        for (IssuedCertificate certificate : revoked) {
            auditLog.record(
                    revokedBy,
                    AuditAction.CERTIFICATE_REVOKED,
                    certificate.serialHex(),
                    AuditOutcome.SUCCESS,
                    "device "
                            + certificate.deviceId() + ", reason " + reason.rfcName() + ", CRL " + crl.crlNumber()
                            + " (bulk of " + revoked.size() + ")");
        }
        return new BulkRevocation(revoked, refused, OptionalLong.of(crl.crlNumber()));
    }

    private static void requireReason(RevocationReason reason) {
        if (reason == null) {
            throw new PkiException.UnsupportedReason("a revocation reason is required");
        }
    }

    /** Marks one certificate revoked (the caller holds the CRL series lock and publishes afterwards). */
    private IssuedCertificate markRevoked(SerialNumber serial, RevocationReason reason, String revokedBy) {
        IssuedCertificate certificate = em.createNamedQuery(IssuedCertificate.FIND_BY_SERIAL, IssuedCertificate.class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("serial", serial.hex())
                .getResultStream()
                .findFirst()
                .orElseThrow(() -> new PkiException.UnknownSerial(
                        "no certificate with serial " + serial.hex() + " was issued by this CA"));
        if (certificate.isRevoked()) {
            throw new PkiException.AlreadyRevoked(
                    "certificate " + serial.hex() + " was revoked at " + certificate.revokedAt() + " ("
                            + certificate.revocationReason().rfcName() + ")");
        }
        certificate.revoke(reason, clock.instant().truncatedTo(ChronoUnit.SECONDS), revokedBy);
        changes.record(AuthorizationChange.certificateRevoked(
                serial.hex(), certificate.revokedAt(), reason.name(), certificate.revokedAt()));
        return certificate;
    }

    /** A serial as an administrator typed it, or the refusal every revocation path gives for one. */
    static SerialNumber serial(String text) {
        try {
            return SerialNumber.parse(text);
        } catch (SerialNumber.Invalid e) {
            throw new PkiException.UnknownSerial(e.getMessage());
        }
    }

    private String caller() {
        return AuditLog.nameOf(context.getCallerPrincipal());
    }
}
