package org.devicetrust.enrollment.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.annotation.security.RunAs;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.entity.Device;
import org.devicetrust.enrollment.control.EnrollmentGrant;
import org.devicetrust.enrollment.control.EnrollmentTokens;
import org.devicetrust.enrollment.control.EstMessages;
import org.devicetrust.enrollment.control.EstSettings;
import org.devicetrust.enrollment.control.FactoryCertificates;
import org.devicetrust.enrollment.control.RenewalPolicy;
import org.devicetrust.enrollment.entity.EnrollmentToken;
import org.devicetrust.pki.boundary.CertificateIssuance;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.CertificateRevocation;
import org.devicetrust.pki.boundary.PkiException;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.control.Texts;
import org.devicetrust.platform.entity.DeviceId;

/**
 * EST enrollment (RFC 7030) on top of the certificate authority: one-time enrollment tokens for the first
 * certificate, re-enrollment with the current certificate inside the renewal window. Issuance and revocation go
 * through the CA's boundaries only ({@link CertificateIssuance}, {@link CertificateRevocation}), after the
 * device registry's rule ({@link DeviceRegistry#lockActive}) and only with an {@link EnrollmentGrant}, which
 * exists only after the token, factory certificate or current certificate was checked. A device has no
 * administrative role: this bean calls the CA as {@link CertificateIssuance#ISSUER_ROLE} ({@link RunAs}). Refusals
 * roll back: a failed request consumes no token, issues nothing and revokes nothing. Audit records name the
 * device and how it authenticated (actor {@code device:<id>}).
 */
@Stateless
@RunAs(CertificateIssuance.ISSUER_ROLE)
public class Enrollment {

    /** A token as created: the only moment its plain text exists on the server. */
    public record NewToken(String deviceId, String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "NewToken[deviceId=" + deviceId + ", expiresAt=" + expiresAt + "]"; // never the token
        }
    }

    @PersistenceContext
    EntityManager em;

    @EJB
    CertificateIssuance issuance;

    @EJB
    CertificateRevocation revocation;

    @EJB
    CertificateQueries certificates;

    @EJB
    DeviceRegistry registry;

    @EJB
    AuditLog auditLog;

    @Resource
    SessionContext context;

    @Inject
    EnrollmentSettings settings;

    @Inject
    SecureRandom random;

    @Inject
    Clock clock;

    /**
     * Creates the one-time enrollment token of an ACTIVE device; earlier unconsumed tokens of the device stop
     * working. {@code validityHours} null means the configured default.
     */
    @RolesAllowed({"admin", "operator"})
    public NewToken createToken(String deviceId, Integer validityHours) {
        String actor = caller();
        String subject = deviceId == null ? "" : deviceId;
        try {
            int hours = validityHours == null ? settings.current().tokenValidityHours() : validityHours;
            if (hours < 1 || hours > EstSettings.MAX_TOKEN_VALIDITY_HOURS) {
                throw new EnrollmentException.InvalidRequest(
                        "invalid-request",
                        DeviceTrustException.Kind.INVALID,
                        "validityHours must be between 1 and " + EstSettings.MAX_TOKEN_VALIDITY_HOURS);
            }
            Device device = registry.lockActive(deviceId);
            int replaced = em.createNamedQuery(EnrollmentToken.DELETE_UNCONSUMED_OF_DEVICE)
                    .setParameter("device", deviceId)
                    .executeUpdate();
            Instant now = now();
            String token = EnrollmentTokens.generate(random);
            EnrollmentToken stored = new EnrollmentToken(
                    device.id(), EnrollmentTokens.sha256Hex(token), now, now.plus(Duration.ofHours(hours)), actor);
            em.persist(stored);
            em.flush();
            auditLog.record(
                    actor,
                    AuditAction.ENROLLMENT_TOKEN_CREATED,
                    deviceId,
                    AuditOutcome.SUCCESS,
                    "token #" + stored.id() + " valid until " + stored.expiresAt()
                            + (replaced > 0 ? ", replaced " + replaced + " unused token(s)" : ""));
            return new NewToken(deviceId, token, stored.expiresAt());
        } catch (DeviceTrustException e) {
            auditLog.record(
                    actor,
                    AuditAction.ENROLLMENT_TOKEN_CREATED,
                    subject,
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * Checks device id and token without consuming the token, so that the web layer answers 401 before it looks
     * at the body. {@link #enroll} checks again under a lock.
     *
     * @throws EnrollmentException.Unauthenticated when they do not match a usable token (audited)
     */
    @PermitAll
    public void authenticate(String deviceId, String token) {
        if (usableToken(deviceId, token, false) == null) {
            refuse(AuditAction.EST_ENROLL, deviceId, new EnrollmentException.Unauthenticated());
        }
    }

    /**
     * First enrollment (EST simpleenroll): the token must be usable, the CSR must ask for CN = device id; the
     * certificate is issued by the CA and the token consumed in the same transaction.
     */
    @PermitAll
    public IssuedCertificate enroll(String deviceId, String token, byte[] csr) {
        String actor = deviceActor(deviceId);
        try {
            EnrollmentToken used = usableToken(deviceId, token, true);
            if (used == null) {
                throw new EnrollmentException.Unauthenticated();
            }
            requireSubject(csr, deviceId, "the enrollment token's device");
            EnrollmentGrant grant =
                    EnrollmentGrant.forToken(used, token, now()).orElseThrow(EnrollmentException.Unauthenticated::new);
            IssuedCertificate issued = issue(grant, csr, AuditLog.ANONYMOUS);
            used.consume(issued.serialHex(), now());
            auditLog.record(
                    actor,
                    AuditAction.EST_ENROLL,
                    deviceId,
                    AuditOutcome.SUCCESS,
                    "serial "
                            + issued.serialHex() + ", " + issued.keyDescription() + ", valid until " + issued.notAfter()
                            + ", token #" + used.id() + " (created by " + used.createdBy() + ") consumed");
            return issued;
        } catch (DeviceTrustException e) {
            auditLog.record(
                    actor,
                    AuditAction.EST_ENROLL,
                    safe(deviceId),
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * Checks that a TLS client chain is a factory certificate of a configured manufacturer CA, so that the web
     * layer answers 401 before it looks at the body. {@link #enrollWithFactoryCertificate} checks again.
     *
     * @throws EnrollmentException.Unauthenticated when it is not (audited)
     */
    @PermitAll
    public void authenticateFactoryCertificate(X509Certificate[] chain) {
        FactoryCertificates factory = manufacturerCas();
        if (factory == null || factory.deviceIdOf(chain, now()).isEmpty()) {
            refuse(AuditAction.EST_ENROLL, null, notAFactoryCertificate(chain));
        }
    }

    /**
     * First enrollment (EST simpleenroll) with a factory certificate (IDevID) as TLS client certificate: the chain
     * must lead to a manufacturer CA of {@code devicetrust.est.manufacturer-ca} (unset: refused, default deny),
     * its subject serialNumber names the device, which must be registered and ACTIVE, and the CSR must ask for
     * CN = that device id. The factory certificate authorizes this and nothing else; it is never a device API
     * credential.
     */
    @PermitAll
    public IssuedCertificate enrollWithFactoryCertificate(X509Certificate[] chain, byte[] csr) {
        Instant now = now();
        FactoryCertificates factory = manufacturerCas();
        String deviceId =
                factory == null ? null : factory.deviceIdOf(chain, now).orElse(null);
        String actor = deviceActor(deviceId);
        String presented = chain == null || chain.length == 0 || chain[0] == null
                ? "none"
                : "serial " + chain[0].getSerialNumber().toString(16) + " from "
                        + Texts.printable(chain[0].getIssuerX500Principal().getName(), 80);
        try {
            if (deviceId == null) {
                throw notAFactoryCertificate(chain);
            }
            try {
                registry.lockActive(deviceId);
            } catch (PkiException.UnknownDevice e) {
                throw new EnrollmentException.CertificateRefused(
                        "device-not-registered",
                        "device " + deviceId + " named by the factory certificate is not registered");
            }
            requireSubject(csr, deviceId, "the factory certificate's device");
            EnrollmentGrant grant = EnrollmentGrant.forFactoryCertificate(factory, chain, deviceId, now)
                    .orElseThrow(EnrollmentException.Unauthenticated::new);
            IssuedCertificate issued = issue(grant, csr, AuditLog.ANONYMOUS);
            auditLog.record(
                    actor,
                    AuditAction.EST_ENROLL,
                    deviceId,
                    AuditOutcome.SUCCESS,
                    "serial "
                            + issued.serialHex() + ", " + issued.keyDescription() + ", valid until " + issued.notAfter()
                            + ", factory certificate " + presented);
            return issued;
        } catch (DeviceTrustException e) {
            auditLog.record(
                    actor,
                    AuditAction.EST_ENROLL,
                    safe(deviceId),
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage() + " (factory certificate " + presented + ")");
            throw e;
        }
    }

    /**
     * Re-enrollment (EST simplereenroll) of the authenticated device with its current certificate: the
     * certificate must be one this CA issued to the caller, unrevoked, inside the renewal window (or the grace
     * period after expiry); the CSR must keep the device id. The old certificate is revoked as superseded in the
     * same transaction unless {@code devicetrust.est.revoke-superseded=false}.
     */
    @RolesAllowed("device")
    public IssuedCertificate reenroll(X509Certificate current, byte[] csr) {
        String deviceId = caller();
        String actor = deviceActor(deviceId);
        try {
            if (current == null) {
                throw new EnrollmentException.CertificateRefused(
                        "certificate-missing",
                        "re-enrollment needs the current device certificate as TLS client certificate");
            }
            String serialHex = IssuedCertificate.serialHex(current.getSerialNumber());
            IssuedCertificate old = certificates
                    .findBySerial(serialHex)
                    .filter(c -> c.sha256Fingerprint().equals(EnrollmentGrant.fingerprint(current)))
                    .orElseThrow(() -> new EnrollmentException.CertificateRefused(
                            "certificate-unknown", "the client certificate was not issued by this Device CA"));
            if (!old.deviceId().value().equals(deviceId)) {
                throw new EnrollmentException.CertificateRefused(
                        "certificate-not-yours", "the client certificate belongs to another device");
            }
            if (old.isRevoked()) {
                throw new EnrollmentException.CertificateRefused(
                        "certificate-revoked",
                        "certificate " + serialHex
                                + " is revoked; a revoked certificate cannot be renewed (ask for a new enrollment token)");
            }
            EstSettings est = settings.current();
            RenewalPolicy policy = est.renewalPolicy();
            Instant now = now();
            switch (policy.decide(old.notBefore(), old.notAfter(), now)) {
                case NOT_YET_DUE ->
                    throw new EnrollmentException.RenewalNotDue("certificate " + serialHex + " expires at "
                            + old.notAfter() + "; renewal opens at " + policy.opensAt(old.notAfter()));
                case EXPIRED ->
                    throw new EnrollmentException.CertificateRefused(
                            "certificate-expired",
                            "certificate " + serialHex + " expired at " + old.notAfter() + " and the grace period ("
                                    + policy.grace().toDays() + " days) is over; ask for a new enrollment token");
                case NOT_YET_VALID ->
                    throw new EnrollmentException.CertificateRefused(
                            "certificate-not-yet-valid",
                            "certificate " + serialHex + " is not valid before " + old.notBefore());
                case DUE -> {
                    // renew below
                }
            }
            requireSubject(csr, deviceId, "the client certificate's device");
            boolean revokeOld = est.revokeSuperseded();
            EnrollmentGrant grant = EnrollmentGrant.forRenewal(old, current, deviceId, policy, now, revokeOld)
                    .orElseThrow(() -> new EnrollmentException.CertificateRefused(
                            "certificate-refused", "the client certificate cannot be renewed"));
            IssuedCertificate issued = issue(grant, csr, deviceId);
            auditLog.record(
                    actor,
                    AuditAction.EST_REENROLL,
                    deviceId,
                    AuditOutcome.SUCCESS,
                    "serial "
                            + issued.serialHex() + " replaces " + old.serialHex()
                            + (revokeOld ? " (revoked: superseded)" : "")
                            + ", " + issued.keyDescription() + ", valid until " + issued.notAfter());
            return issued;
        } catch (DeviceTrustException e) {
            auditLog.record(
                    actor,
                    AuditAction.EST_REENROLL,
                    safe(deviceId),
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /** Records and throws a refusal the web layer found (content type, encoding) before calling in. */
    @PermitAll
    public void refuse(AuditAction action, String deviceId, EnrollmentException refusal) {
        if (action != AuditAction.EST_ENROLL && action != AuditAction.EST_REENROLL) {
            throw new IllegalArgumentException("only EST actions are recorded here");
        }
        auditLog.record(
                deviceActor(deviceId),
                action,
                safe(deviceId),
                AuditOutcome.FAILURE,
                refusal.type() + ": " + refusal.getMessage());
        throw refusal;
    }

    /** EST cacerts: the Device CA certificate and the root, as certs-only CMS (DER). */
    @PermitAll
    public byte[] caCertificates() {
        return EstMessages.certsOnly(certificates.caChain());
    }

    /** EST csrattrs (DER). */
    @PermitAll
    public byte[] csrAttributes() {
        return EstMessages.csrAttributes();
    }

    /** The CA chain a client needs next to its certificate (Device CA, then root). */
    @PermitAll
    public List<X509Certificate> caChain() {
        return certificates.caChain();
    }

    /** An issued certificate as EST returns it: certs-only CMS (DER). */
    public static byte[] certsOnly(X509Certificate issued) {
        return EstMessages.certsOnly(List.of(issued));
    }

    /**
     * Issues to a grant: the device registry's rule first, then (re-enrollment) the revocation of the superseded
     * certificate, then the CA, all in the caller's transaction; the caller has checked the CSR already. {@code publishedBy} is the actor of the CRL
     * that revocation publishes: the authenticated caller.
     */
    private IssuedCertificate issue(EnrollmentGrant grant, byte[] csr, String publishedBy) {
        try {
            registry.lockActive(grant.device().value());
        } catch (PkiException e) {
            auditLog.record(
                    grant.actor(),
                    AuditAction.CERTIFICATE_ISSUED,
                    grant.device().value(),
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
        // The superseded certificate first: issuance holds the audit chain head until the commit, so whatever
        // else this transaction locks (the CRL series) is locked before it, in the order every publisher uses.
        grant.supersededSerial().ifPresent(serial -> revocation.revokeSuperseded(serial, grant.actor(), publishedBy));
        return issuance.issue(grant.device(), csr, grant.actor());
    }

    private EnrollmentToken usableToken(String deviceId, String token, boolean lock) {
        if (!DeviceId.isValid(deviceId) || token == null || token.length() > EnrollmentTokens.MAX_TOKEN_LENGTH) {
            return null;
        }
        var query = em.createNamedQuery(EnrollmentToken.FIND_BY_DEVICE, EnrollmentToken.class)
                .setParameter("device", deviceId);
        if (lock) {
            query.setLockMode(LockModeType.PESSIMISTIC_WRITE);
        }
        Instant now = now();
        EnrollmentToken match = null;
        for (EnrollmentToken candidate : query.getResultList()) {
            // every candidate is compared, so the time taken does not depend on which one matched
            boolean matches = EnrollmentTokens.matches(token, candidate.tokenSha256());
            if (matches && candidate.isUsableAt(now)) {
                match = candidate;
            }
        }
        return match;
    }

    private void requireSubject(byte[] csr, String deviceId, String whose) {
        String commonName = issuance.requestedCommonName(csr);
        if (!deviceId.equals(commonName)) {
            throw new EnrollmentException.SubjectMismatch("the CSR subject must be CN=" + deviceId + " ("
                    + whose + "); it asks for "
                    + (commonName == null ? "no single CN" : "CN=" + Texts.printable(commonName, 80)));
        }
    }

    private static EnrollmentException.Unauthenticated notAFactoryCertificate(X509Certificate[] chain) {
        String presented = chain == null || chain.length == 0 || chain[0] == null
                ? "none"
                : "serial " + chain[0].getSerialNumber().toString(16) + " from "
                        + Texts.printable(chain[0].getIssuerX500Principal().getName(), 80);
        return new EnrollmentException.Unauthenticated("the client certificate (" + presented + ") is not a valid "
                + "factory certificate (IDevID) of a configured manufacturer CA naming a device id in its subject "
                + "serialNumber; without one, EST enrollment needs HTTP Basic with the device id and its token");
    }

    /** The configured manufacturer CAs; {@code null} when none are configured or the file is unusable. */
    private FactoryCertificates manufacturerCas() {
        return settings.manufacturerCas(settings.current()).orElse(null);
    }

    private static String deviceActor(String deviceId) {
        return "device:" + safe(deviceId);
    }

    /** A device id as given, only if it is one; anything else is not echoed into the audit log. */
    private static String safe(String deviceId) {
        return DeviceId.isValid(deviceId) ? deviceId : "(invalid id)";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private String caller() {
        return AuditLog.nameOf(context.getCallerPrincipal());
    }
}
