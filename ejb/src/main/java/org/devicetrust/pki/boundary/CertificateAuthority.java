package org.devicetrust.pki.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.entity.Device;
import org.devicetrust.device.entity.DeviceId;
import org.devicetrust.enrollment.control.EnrollmentGrant;
import org.devicetrust.pki.control.CertificateFactory;
import org.devicetrust.pki.control.CrlFactory;
import org.devicetrust.pki.control.CsrRejectedException;
import org.devicetrust.pki.control.CsrValidator;
import org.devicetrust.pki.control.Pem;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.CrlSeries;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;
import org.devicetrust.platform.boundary.AuthorizationChanges;
import org.devicetrust.platform.control.Texts;
import org.devicetrust.platform.entity.AuthorizationChange;

/**
 * The Device Issuing CA's operations: issue from a CSR, revoke, publish the CRL, and the reads the console,
 * the public PKI endpoints and the device API need. Authorizes, calls the pure controls, persists, audits
 * (success and failure). Every refusal is a {@link PkiException} with a stable type and rolls back.
 */
@Stateless
public class CertificateAuthority {

    /** How many CRLs are kept in the database (the newest one is served). */
    static final int KEPT_CRLS = 10;
    /** The most serials one {@link #revokeAll} call takes: one bounded transaction and one CRL. */
    public static final int MAX_BULK_REVOCATIONS = 500;
    private static final Pattern SERIAL_HEX = Pattern.compile("(0x)?[0-9a-fA-F:]{1,80}");
    private static final int MAX_EXPIRY_DAYS = 3650;

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    @EJB
    AuditLog auditLog;

    @EJB
    AuthorizationChanges changes;

    @Resource
    SessionContext context;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

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
        return issue(deviceId, csr, caller());
    }

    /**
     * EST enrollment: issues to a device that proved itself with a one-time token or its current certificate
     * (the grant exists only after that check), then revokes the superseded certificate if the grant names one;
     * all in the caller's transaction. The same issuance and revocation code as the role-checked methods.
     */
    @PermitAll
    public IssuedCertificate issue(EnrollmentGrant grant, byte[] csr) {
        IssuedCertificate issued = issue(grant.device().value(), csr, grant.actor());
        grant.supersededSerial().ifPresent(serial -> revoke(serial, RevocationReason.SUPERSEDED, grant.actor()));
        return issued;
    }

    private IssuedCertificate issue(String deviceId, byte[] csr, String issuedBy) {
        String subject = deviceId == null ? "" : deviceId;
        try {
            DeviceId id = deviceId(deviceId);
            CsrValidator.ValidatedCsr request = validate(csr);
            Device device = em.find(Device.class, id.value(), LockModeType.PESSIMISTIC_WRITE);
            if (device == null) {
                throw new PkiException.UnknownDevice("device " + id + " is not registered");
            }
            if (!device.isActive()) {
                throw new PkiException.DeviceNotActive("device " + id + " is " + device.status()
                        + "; only ACTIVE devices are issued certificates");
            }
            Instant now = now();
            X509Certificate certificate = new CertificateFactory(deviceCa.provider(), random, Clock.fixed(now,
                    java.time.ZoneOffset.UTC)).device(deviceCa.credential(), id, request.publicKey(),
                    deviceCa.deviceValidity(), deviceCa.crlUrl());
            IssuedCertificate issued = new IssuedCertificate(certificate, id, request.keyDescription(), now, issuedBy);
            em.persist(issued);
            em.flush();
            changes.record(AuthorizationChange.certificateIssued(issued.serialHex(), now));
            auditLog.record(issuedBy, AuditAction.CERTIFICATE_ISSUED, id.value(), AuditOutcome.SUCCESS, "serial "
                    + issued.serialHex() + ", " + issued.keyDescription() + ", valid until " + issued.notAfter());
            return issued;
        } catch (PkiException e) {
            auditLog.record(issuedBy, AuditAction.CERTIFICATE_ISSUED, subject, AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

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
        return revoke(serial, reason, caller());
    }

    private IssuedCertificate revoke(String serial, RevocationReason reason, String revokedBy) {
        String subject = serial == null ? "" : serial;
        try {
            String serialHex = serialHex(serial);
            subject = serialHex;
            requireReason(reason);
            CrlSeries series = lockCrlSeries();
            IssuedCertificate certificate = markRevoked(serialHex, reason, revokedBy);
            PublishedCrl crl = publish(series);
            auditLog.record(revokedBy, AuditAction.CERTIFICATE_REVOKED, serialHex, AuditOutcome.SUCCESS, "device "
                    + certificate.deviceId() + ", reason " + reason.rfcName() + ", CRL " + crl.crlNumber());
            return certificate;
        } catch (PkiException e) {
            auditLog.record(revokedBy, AuditAction.CERTIFICATE_REVOKED, subject, AuditOutcome.FAILURE,
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
            throw new PkiException("bulk-size-invalid",
                    "a bulk revocation names 1 to " + MAX_BULK_REVOCATIONS + " serials");
        }
        requireReason(reason);
        String revokedBy = caller();
        CrlSeries series = lockCrlSeries();
        List<IssuedCertificate> revoked = new ArrayList<>();
        List<BulkRevocation.Refusal> refused = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String serial : serials) {
            String subject = serial == null ? "" : Texts.printable(serial, 80);
            try {
                String serialHex = serialHex(serial);
                subject = serialHex;
                if (!seen.add(serialHex)) {
                    throw new PkiException("serial-duplicate", "serial " + serialHex + " is named twice");
                }
                revoked.add(markRevoked(serialHex, reason, revokedBy));
            } catch (PkiException e) {
                refused.add(new BulkRevocation.Refusal(subject, e.type(), e.getMessage()));
                auditLog.record(revokedBy, AuditAction.CERTIFICATE_REVOKED, subject, AuditOutcome.FAILURE,
                        e.type() + ": " + e.getMessage());
            }
        }
        if (revoked.isEmpty()) {
            return new BulkRevocation(List.of(), refused, OptionalLong.empty());
        }
        PublishedCrl crl = publish(series);
        for (IssuedCertificate certificate : revoked) {
            auditLog.record(revokedBy, AuditAction.CERTIFICATE_REVOKED, certificate.serialHex(),
                    AuditOutcome.SUCCESS, "device "
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
    private IssuedCertificate markRevoked(String serialHex, RevocationReason reason, String revokedBy) {
        IssuedCertificate certificate = find(serialHex)
                .orElseThrow(() -> new PkiException.UnknownSerial("no certificate with serial " + serialHex
                        + " was issued by this CA"));
        if (certificate.isRevoked()) {
            throw new PkiException.AlreadyRevoked("certificate " + serialHex + " was revoked at "
                    + certificate.revokedAt() + " (" + certificate.revocationReason().rfcName() + ")");
        }
        certificate.revoke(reason, now(), revokedBy);
        changes.record(AuthorizationChange.certificateRevoked(serialHex, certificate.revokedAt(), reason.name(),
                certificate.revokedAt()));
        return certificate;
    }

    /** Signs and publishes a new CRL now. */
    @RolesAllowed({"admin", "operator"})
    public PublishedCrl publishCrl() {
        return publish(lockCrlSeries());
    }

    /**
     * Publishes a CRL when there is none yet or half of the current one's validity has passed, and rewrites
     * the CRL file when it is missing or older than the newest CRL. Called at start-up and by the timer; it
     * never does more than the schedule asks, so it is open to every caller.
     */
    @PermitAll
    public void republishCrlIfDue() {
        CrlSeries series = lockCrlSeries();
        Optional<PublishedCrl> latest = latest();
        Instant now = now();
        if (latest.isEmpty() || !now.isBefore(latest.get().thisUpdate().plus(deviceCa.crlValidity().dividedBy(2)))
                || !now.isBefore(latest.get().nextUpdate())) {
            publish(series);
        } else if (deviceCa.crlFileIsBehind(latest.get().crlNumber())) {
            PublishedCrl crl = latest.get();
            afterCommit(() -> deviceCa.writeCrlFile(crl.crlNumber(), crl.der()));
        }
    }

    /** The newest CRL (DER via {@link PublishedCrl#der()}), or empty before the first publication. */
    @PermitAll
    public Optional<PublishedCrl> currentCrl() {
        return latest();
    }

    /** The newest CRL in PEM, or empty before the first publication. */
    @PermitAll
    public Optional<String> currentCrlPem() {
        return latest().map(crl -> Pem.encode(Pem.X509_CRL, crl.der()));
    }

    /** Device CA certificate, then the root. */
    @PermitAll
    public List<X509Certificate> caChain() {
        return deviceCa.chain();
    }

    @PermitAll
    public X509Certificate deviceCaCertificate() {
        return deviceCa.certificate();
    }

    @PermitAll
    public X509Certificate rootCertificate() {
        List<X509Certificate> chain = deviceCa.chain();
        return chain.get(chain.size() - 1);
    }

    /**
     * The revocation status of a certificate as the database has it right now, for the device API on every
     * request: one indexed lookup, no cache. A certificate of another issuer, or a serial this CA never issued,
     * is {@code UNKNOWN}.
     */
    @PermitAll
    public RevocationStatus revocationStatus(X500Principal issuer, BigInteger serial) {
        if (issuer == null || serial == null || serial.signum() <= 0
                || serial.bitLength() > IssuedCertificate.MAX_SERIAL_HEX * 4
                || !issuer.equals(deviceCa.certificate().getSubjectX500Principal())) {
            return RevocationStatus.UNKNOWN;
        }
        List<Object[]> rows = em.createNamedQuery(IssuedCertificate.FIND_STATUS_BY_SERIAL, Object[].class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("serial", IssuedCertificate.serialHex(serial)).getResultList();
        if (rows.isEmpty()) {
            return RevocationStatus.UNKNOWN;
        }
        Object[] row = rows.get(0);
        return row[0] == CertificateStatus.REVOKED
                ? new RevocationStatus(RevocationStatus.State.REVOKED, (Instant) row[1], (RevocationReason) row[2])
                : RevocationStatus.GOOD;
    }

    /** The same lookup with the issuer name as a string (RFC 2253/1779 form). */
    @PermitAll
    public RevocationStatus revocationStatus(String issuerDn, BigInteger serial) {
        try {
            return revocationStatus(issuerDn == null ? null : new X500Principal(issuerDn), serial);
        } catch (IllegalArgumentException e) {
            return RevocationStatus.UNKNOWN;
        }
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public Optional<IssuedCertificate> findBySerial(String serial) {
        try {
            return find(serialHex(serial));
        } catch (PkiException.UnknownSerial e) {
            return Optional.empty();
        }
    }

    /** Newest first. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<IssuedCertificate> certificatesOf(String deviceId) {
        if (!DeviceId.isValid(deviceId)) {
            return List.of();
        }
        return em.createNamedQuery(IssuedCertificate.FIND_BY_DEVICE, IssuedCertificate.class)
                .setParameter("device", deviceId).getResultList();
    }

    /** Every status with its count (zero included). */
    @RolesAllowed({"admin", "operator", "auditor"})
    public Map<CertificateStatus, Long> countByStatus() {
        Map<CertificateStatus, Long> counts = new EnumMap<>(CertificateStatus.class);
        for (CertificateStatus status : CertificateStatus.values()) {
            counts.put(status, 0L);
        }
        for (Object[] row : em.createNamedQuery(IssuedCertificate.COUNT_BY_STATUS, Object[].class)
                .getResultList()) {
            counts.put((CertificateStatus) row[0], (Long) row[1]);
        }
        return counts;
    }

    /** Valid (not revoked, not yet expired) certificates that expire within {@code days} days. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public long countExpiringWithin(int days) {
        Instant now = now();
        return em.createNamedQuery(IssuedCertificate.COUNT_EXPIRING, Long.class).setParameter("now", now)
                .setParameter("until", now.plus(Duration.ofDays(checkDays(days)))).getSingleResult();
    }

    /** The first {@code max} valid certificates that expire within {@code days} days, soonest first. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<IssuedCertificate> expiringWithin(int days, int max) {
        Instant now = now();
        return em.createNamedQuery(IssuedCertificate.FIND_EXPIRING, IssuedCertificate.class)
                .setParameter("now", now).setParameter("until", now.plus(Duration.ofDays(checkDays(days))))
                .setMaxResults(Math.max(1, Math.min(max, 1000))).getResultList();
    }

    private PublishedCrl publish(CrlSeries series) {
        try {
            long number = series.next(deviceCa.crlNumberFloor());
            Instant thisUpdate = now();
            Instant nextUpdate = thisUpdate.plus(deviceCa.crlValidity());
            List<CrlFactory.RevokedEntry> entries = new ArrayList<>();
            for (Object[] row : em.createNamedQuery(IssuedCertificate.FIND_REVOKED_UNEXPIRED, Object[].class)
                    .setParameter("issuer", deviceCa.issuerDn()).setParameter("now", thisUpdate).getResultList()) {
                entries.add(new CrlFactory.RevokedEntry(new BigInteger((String) row[0], 16), (Instant) row[1],
                        ((RevocationReason) row[2]).code()));
            }
            CrlFactory.SignedCrl signed = new CrlFactory(deviceCa.provider()).create(deviceCa.credential(),
                    BigInteger.valueOf(number), thisUpdate, nextUpdate, entries);
            PublishedCrl crl = new PublishedCrl(deviceCa.issuerDn(), number, thisUpdate, nextUpdate,
                    signed.entryCount(), signed.der());
            em.persist(crl);
            em.createNamedQuery(PublishedCrl.DELETE_UP_TO).setParameter("issuer", deviceCa.issuerDn())
                    .setParameter("number", number - KEPT_CRLS).executeUpdate();
            byte[] der = signed.der();
            afterCommit(() -> deviceCa.writeCrlFile(number, der));
            auditLog.success(AuditAction.CRL_PUBLISHED, "device-ca", "CRL " + number + ", " + signed.entryCount()
                    + " entries, next update " + nextUpdate);
            return crl;
        } catch (RuntimeException e) {
            auditLog.failure(AuditAction.CRL_PUBLISHED, "device-ca", e.getClass().getSimpleName() + ": "
                    + e.getMessage());
            throw e;
        }
    }

    /** Locks (creating on first use) the CRL number row: revocations and CRLs of this CA go one at a time. */
    private CrlSeries lockCrlSeries() {
        CrlSeries series = em.find(CrlSeries.class, deviceCa.issuerDn(), LockModeType.PESSIMISTIC_WRITE);
        if (series == null) {
            series = new CrlSeries(deviceCa.issuerDn(), deviceCa.crlNumberFloor());
            em.persist(series);
            em.flush();
        }
        return series;
    }

    private Optional<PublishedCrl> latest() {
        return em.createNamedQuery(PublishedCrl.FIND_LATEST, PublishedCrl.class)
                .setParameter("issuer", deviceCa.issuerDn()).setMaxResults(1).getResultStream().findFirst();
    }

    private Optional<IssuedCertificate> find(String serialHex) {
        return em.createNamedQuery(IssuedCertificate.FIND_BY_SERIAL, IssuedCertificate.class)
                .setParameter("issuer", deviceCa.issuerDn()).setParameter("serial", serialHex)
                .getResultStream().findFirst();
    }

    private void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to do before the commit
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    private CsrValidator.ValidatedCsr validate(byte[] csr) {
        try {
            return new CsrValidator(deviceCa.provider()).validate(csr);
        } catch (CsrRejectedException e) {
            throw new PkiException.InvalidCsr(e.problem().type(), e.getMessage());
        }
    }

    private static DeviceId deviceId(String text) {
        if (!DeviceId.isValid(text)) {
            throw new PkiException.UnknownDevice("'" + Texts.printable(text, 80)
                    + "' is not a device id (3-64 characters of a-z, 0-9 and '-')");
        }
        return new DeviceId(text);
    }

    /** Accepts hex with or without {@code 0x} and colons; returns the stored form. */
    static String serialHex(String text) {
        if (text == null || !SERIAL_HEX.matcher(text.strip()).matches()) {
            throw new PkiException.UnknownSerial("'" + Texts.printable(text, 80)
                    + "' is not a hexadecimal serial number");
        }
        String digits = text.strip().replaceFirst("^0x", "").replace(":", "");
        if (digits.isEmpty() || digits.length() > 2 * IssuedCertificate.MAX_SERIAL_HEX) {
            throw new PkiException.UnknownSerial("'" + Texts.printable(text, 80)
                    + "' is not a hexadecimal serial number");
        }
        BigInteger serial = new BigInteger(digits, 16);
        if (serial.signum() <= 0 || serial.bitLength() > IssuedCertificate.MAX_SERIAL_HEX * 4) {
            throw new PkiException.UnknownSerial("no certificate with serial " + Texts.printable(text, 80)
                    + " was issued");
        }
        return IssuedCertificate.serialHex(serial);
    }

    private static int checkDays(int days) {
        if (days < 0 || days > MAX_EXPIRY_DAYS) {
            throw new IllegalArgumentException("days must be between 0 and " + MAX_EXPIRY_DAYS);
        }
        return days;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private String caller() {
        return AuditLog.nameOf(context.getCallerPrincipal());
    }
}
