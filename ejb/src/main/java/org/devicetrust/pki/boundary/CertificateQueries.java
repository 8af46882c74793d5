package org.devicetrust.pki.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.devicetrust.pki.control.Pem;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;
import org.devicetrust.pki.entity.SerialNumber;
import org.devicetrust.platform.entity.DeviceId;

/**
 * What the CA has issued and published, read for the console, the admin API, the public PKI endpoints, the
 * device API and EST: the CA certificates, the current CRL, certificates by serial and device, revocation status
 * and the dashboard counts. Changes nothing.
 */
@Stateless
public class CertificateQueries {

    private static final int MAX_EXPIRY_DAYS = 3650;

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    @Inject
    Clock clock;

    /** The newest full CRL (DER via {@link PublishedCrl#der()}), or empty before the first publication. */
    @PermitAll
    public Optional<PublishedCrl> currentCrl() {
        return em.createNamedQuery(PublishedCrl.FIND_LATEST, PublishedCrl.class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    /** The newest delta CRL (RFC 5280 5.2.4), or empty before the first publication. */
    @PermitAll
    public Optional<PublishedCrl> currentDeltaCrl() {
        return em.createNamedQuery(PublishedCrl.FIND_LATEST_DELTA, PublishedCrl.class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    /** The newest CRL in PEM, or empty before the first publication. */
    @PermitAll
    public Optional<String> currentCrlPem() {
        return currentCrl().map(crl -> Pem.encode(Pem.X509_CRL, crl.der()));
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

    /** One certificate's status for the device API's authorization view: revocation details only if revoked. */
    public record Status(
            long position, BigInteger serial, boolean revoked, Instant revokedAt, RevocationReason reason) {}

    /**
     * Up to {@code max} certificates still valid at {@code now} (expired ones are refused by their dates before
     * any status lookup), after position {@code after} (0 to start), in position order: the pages of the
     * authorization view's initial load.
     */
    @PermitAll
    public List<Status> unexpiredAfter(long after, Instant now, int max) {
        return em.createNamedQuery(IssuedCertificate.FIND_STATUS_PAGE, Object[].class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("after", after)
                .setParameter("now", now)
                .setMaxResults(Math.max(1, Math.min(max, 50_000)))
                .getResultStream()
                .map(row -> new Status(
                        (Long) row[0],
                        new BigInteger((String) row[1], 16),
                        row[2] == CertificateStatus.REVOKED,
                        (Instant) row[3],
                        (RevocationReason) row[4]))
                .toList();
    }

    /** A CRL in PEM, for the public PKI endpoints. */
    public static String pem(PublishedCrl crl) {
        return Pem.encode(Pem.X509_CRL, crl.der());
    }

    /** A certificate in PEM, for the public PKI endpoints. */
    public static String pem(X509Certificate certificate) {
        return Pem.certificate(certificate);
    }

    /**
     * The revocation status of a certificate as the database has it right now, for the device API on every
     * request: one indexed lookup, no cache. A certificate of another issuer, or a serial this CA never issued,
     * is {@code UNKNOWN}.
     */
    @PermitAll
    public RevocationStatus revocationStatus(X500Principal issuer, BigInteger serial) {
        Optional<SerialNumber> number = SerialNumber.of(serial);
        if (issuer == null
                || number.isEmpty()
                || !issuer.equals(deviceCa.certificate().getSubjectX500Principal())) {
            return RevocationStatus.UNKNOWN;
        }
        List<Object[]> rows = em.createNamedQuery(IssuedCertificate.FIND_STATUS_BY_SERIAL, Object[].class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("serial", number.get().hex())
                .getResultList();
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

    /** A certificate of this CA by serial (hex as {@code openssl x509 -serial} prints it); empty if none. */
    @RolesAllowed({"admin", "operator", "auditor", CertificateIssuance.ISSUER_ROLE})
    public Optional<IssuedCertificate> findBySerial(String serial) {
        SerialNumber number;
        try {
            number = SerialNumber.parse(serial);
        } catch (SerialNumber.Invalid e) {
            return Optional.empty();
        }
        return em.createNamedQuery(IssuedCertificate.FIND_BY_SERIAL, IssuedCertificate.class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("serial", number.hex())
                .getResultStream()
                .findFirst();
    }

    /** Newest first. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<IssuedCertificate> certificatesOf(String deviceId) {
        if (!DeviceId.isValid(deviceId)) {
            return List.of();
        }
        return em.createNamedQuery(IssuedCertificate.FIND_BY_DEVICE, IssuedCertificate.class)
                .setParameter("device", deviceId)
                .getResultList();
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
        return em.createNamedQuery(IssuedCertificate.COUNT_EXPIRING, Long.class)
                .setParameter("now", now)
                .setParameter("until", now.plus(Duration.ofDays(checkDays(days))))
                .getSingleResult();
    }

    /** The first {@code max} valid certificates that expire within {@code days} days, soonest first. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<IssuedCertificate> expiringWithin(int days, int max) {
        Instant now = now();
        return em.createNamedQuery(IssuedCertificate.FIND_EXPIRING, IssuedCertificate.class)
                .setParameter("now", now)
                .setParameter("until", now.plus(Duration.ofDays(checkDays(days))))
                .setMaxResults(Math.max(1, Math.min(max, 1000)))
                .getResultList();
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
}
