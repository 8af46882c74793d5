package org.devicetrust.device.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.ApplicationException;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.devicetrust.device.control.AuthorizationView;
import org.devicetrust.device.control.CertificateCheck;
import org.devicetrust.device.control.TelemetryDocument;
import org.devicetrust.device.control.TlsSessions;
import org.devicetrust.device.entity.AccessReason;
import org.devicetrust.device.entity.Device;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.device.entity.Telemetry;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.entity.RevocationStatus;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.entity.DeviceId;

/**
 * Access decisions for the device API, taken on every request from this node's {@link AuthorizationViews}
 * (certificate and device status in memory, never older than its staleness bound: a revocation or a status
 * change applies to the very next request on the node that made it, and within the bound on every other node;
 * when the view cannot prove it is fresh the request is refused with 503, never allowed):
 * <ol>
 * <li>{@link #authenticate}: the TLS client certificate comes from our Device CA, is valid now, is meant for
 * client authentication, names one device, and is known and not revoked in the database;</li>
 * <li>{@link #authorize}: the authenticated device is ACTIVE and acts on its own resources only.</li>
 * </ol>
 * Every refusal and every authorization is audited with its reason and counted. A singleton with bean-managed
 * concurrency: it holds only the counters and the immutable certificate check.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DeviceAccess {

    /** A refused device request; {@link #reason()} gives the HTTP status and the problem type. */
    @ApplicationException(rollback = true)
    public static class Refused extends DeviceTrustException {
        private static final long serialVersionUID = 1L;
        private final AccessReason reason;

        Refused(AccessReason reason, String message) {
            super(reason.problemType(), reason.httpStatus() == 401 ? Kind.UNAUTHORIZED : Kind.FORBIDDEN, message);
            this.reason = reason;
        }

        public AccessReason reason() {
            return reason;
        }
    }

    /** A telemetry document that cannot be stored (malformed, too deep, too large). */
    @ApplicationException(rollback = true)
    public static class TelemetryRejected extends DeviceTrustException {
        private static final long serialVersionUID = 1L;

        TelemetryRejected(String message, boolean tooLarge) {
            super(
                    tooLarge ? "telemetry-too-large" : "telemetry-invalid",
                    tooLarge ? Kind.TOO_LARGE : Kind.INVALID,
                    message);
        }
    }

    /** The authorization view cannot prove it is fresh: the request is refused, 503. */
    @ApplicationException(rollback = true)
    public static class Unavailable extends DeviceTrustException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super("authorization-unavailable", Kind.UNAVAILABLE, message);
        }
    }

    /**
     * Who a good certificate says the caller is; {@code session} is this node's record of the TLS session the
     * request came on (null when the container named none). Only {@link #authenticate} makes one, so holding
     * one is the proof the authorization methods ask for (the device API has no container login).
     */
    public static final class DeviceAuthentication {
        private final String deviceId;
        private final String serialHex;
        private final Instant notAfter;
        private final TlsSessions.Session session;

        private DeviceAuthentication(String deviceId, String serialHex, Instant notAfter, TlsSessions.Session session) {
            this.deviceId = deviceId;
            this.serialHex = serialHex;
            this.notAfter = notAfter;
            this.session = session;
        }

        public String deviceId() {
            return deviceId;
        }

        public String serialHex() {
            return serialHex;
        }

        public Instant notAfter() {
            return notAfter;
        }

        TlsSessions.Session session() {
            return session;
        }
    }

    /** A device allowed to act now, with its status when the decision was taken. */
    public record AuthorizedDevice(DeviceId id, DeviceStatus status) {}

    @PersistenceContext
    EntityManager em;

    /** The largest telemetry document a device may send. */
    public static final int MAX_TELEMETRY_BYTES = TelemetryDocument.MAX_BYTES;

    @EJB
    CertificateQueries certificates;

    @EJB
    AuthorizationViews views;

    @EJB
    AuditLog audit;

    /** Sessions this node knows; well above the connections one node holds open. */
    static final int TLS_SESSIONS = 200_000;

    private static final Logger LOG = Logger.getLogger(DeviceAccess.class.getName());

    private final AccessCounters counters = new AccessCounters();
    private final TlsSessions sessions = new TlsSessions(TLS_SESSIONS);
    private final AtomicLong lastUnavailableLog = new AtomicLong(System.nanoTime() - 2_000_000_000L);

    @Inject
    Clock clock;

    @Inject
    Provider provider;

    private volatile CertificateCheck check;

    /** The view, fetched once: {@link AuthorizationViews} makes it at start-up and never replaces it. */
    private volatile AuthorizationView view;

    /**
     * Authenticates a device request by its TLS client chain (end-entity first, as the servlet container
     * hands it over). The certificate check (issuer, signature, key usage, identity) runs once per TLS session;
     * its validity dates and the revocation status are checked on every request. Refusals are audited and
     * counted here; success is audited with the authorization that follows.
     *
     * @param tlsSession the TLS session id the container reports for the request (null if none)
     * @param resource   what was asked for (method and path), for the audit record
     * @throws Refused with a 401 reason: no certificate, unknown CA, expired or not yet valid, no clientAuth,
     *                 no valid device id, unknown to the database, revoked
     */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public DeviceAuthentication authenticate(X509Certificate[] chain, String tlsSession, String resource) {
        long started = System.nanoTime();
        X509Certificate leaf = chain == null || chain.length == 0 ? null : chain[0];
        TlsSessions.Session session = sessions.find(tlsSession, leaf, started);
        CertificateCheck.Result result;
        if (session != null && session.validAt(clock.instant())) {
            result = session.result();
        } else {
            result = certificateCheck().check(chain);
            if (!result.passed()) {
                counters.authenticationTook(System.nanoTime() - started);
                throw refuse(result.reason(), subjectOf(chain), resource, result.detail());
            }
            session = sessions.remember(tlsSession, leaf, result, started);
        }
        String serialHex = result.serial().toString(16);
        RevocationStatus status;
        try {
            // the check above proved the issuer is our Device CA, whose serials the view holds
            status = view().certificate(result.serial());
        } catch (AuthorizationView.Stale e) {
            counters.authenticationTook(System.nanoTime() - started);
            throw unavailable(result.deviceId(), resource, e);
        }
        counters.authenticationTook(System.nanoTime() - started);
        switch (status.state()) {
            case GOOD -> {
                return new DeviceAuthentication(result.deviceId(), serialHex, result.notAfter(), session);
            }
            case REVOKED ->
                throw refuse(
                        AccessReason.REVOKED,
                        result.deviceId(),
                        resource,
                        "serial " + serialHex + " revoked at " + status.revokedAt() + " ("
                                + status.reason().rfcName() + ")");
            default ->
                throw refuse(
                        AccessReason.UNKNOWN_CERTIFICATE,
                        result.deviceId(),
                        resource,
                        "serial " + serialHex + " was not issued by this Device CA's database");
        }
    }

    /**
     * Decides whether the authenticated device (the caller principal) may act on the resources of
     * {@code resourceDeviceId} ({@code null}: its own). Every refusal goes into the audit chain, and so does
     * the first allowed request of each TLS session; later allowed requests on that session are counted (the
     * hourly decision counts), not chained. A request without a known TLS session is always chained.
     *
     * @param who the authentication of this request ({@link #authenticate}): the caller is its device
     * @return the caller's device id and status as the authorization view has them now
     * @throws Refused with a 403 reason: unknown device, suspended, decommissioned, another device's resource
     * @throws Unavailable when the authorization view cannot prove it is fresh
     */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public AuthorizedDevice authorize(DeviceAuthentication who, String resourceDeviceId, String resource) {
        long started = System.nanoTime();
        if (who == null) {
            throw refuse(AccessReason.NO_CERTIFICATE, AuditLog.ANONYMOUS, resource, "the request is not authenticated");
        }
        String caller = who.deviceId();
        DeviceStatus status;
        try {
            status = DeviceId.isValid(caller) ? view().device(caller).orElse(null) : null;
        } catch (AuthorizationView.Stale e) {
            counters.authorizationTook(System.nanoTime() - started);
            throw unavailable(caller, resource, e);
        }
        AccessReason reason;
        if (status == null) {
            reason = AccessReason.UNKNOWN_DEVICE;
        } else if (status == DeviceStatus.SUSPENDED) {
            reason = AccessReason.SUSPENDED;
        } else if (status == DeviceStatus.DECOMMISSIONED) {
            reason = AccessReason.DECOMMISSIONED;
        } else if (status != DeviceStatus.ACTIVE) {
            reason = AccessReason.SUSPENDED;
        } else if (resourceDeviceId != null && !sameId(caller, resourceDeviceId)) {
            reason = AccessReason.WRONG_DEVICE;
        } else {
            reason = AccessReason.ALLOWED;
        }
        counters.authorizationTook(System.nanoTime() - started);
        String subject = resourceDeviceId == null ? caller : resourceDeviceId;
        if (!reason.allowed()) {
            String detail = switch (reason) {
                case WRONG_DEVICE ->
                    "device " + caller + " may act only on its own resources, not on device " + resourceDeviceId;
                case UNKNOWN_DEVICE -> "device " + caller + " is not registered";
                default -> "device " + caller + " is " + status + "; only ACTIVE devices may use the API";
            };
            throw refuse(reason, caller, resource, detail, subject);
        }
        counters.count(AccessReason.ALLOWED);
        TlsSessions.Session session = who.session();
        if (session == null || session.firstAllowed()) {
            try {
                audit.record(
                        caller,
                        AuditAction.DEVICE_ACCESS,
                        subject,
                        AuditOutcome.SUCCESS,
                        "allowed: " + AuditRecord.clip(resource, 300)
                                + (session == null ? "" : " (first request of its TLS session)"));
            } catch (RuntimeException e) {
                if (session != null) {
                    session.auditFailed();
                }
                throw e;
            }
        } else {
            audit.countAllowedDecision();
        }
        return new AuthorizedDevice(new DeviceId(caller), status);
    }

    /**
     * This node's authorization view, without a call through the EJB container per decision (that call, with its
     * security and transaction interceptors, cost more than the two lookups it served).
     */
    private AuthorizationView view() {
        AuthorizationView known = view;
        if (known == null) {
            known = views.view();
            view = known;
        }
        return known;
    }

    /** Authorizes, then reads the caller's own record from the database. */
    @PermitAll
    public Device deviceRecord(DeviceAuthentication who, String resourceDeviceId, String resource) {
        AuthorizedDevice device = authorize(who, resourceDeviceId, resource);
        Device record = em.find(Device.class, device.id().value());
        if (record == null) {
            throw refuse(
                    AccessReason.UNKNOWN_DEVICE,
                    device.id().value(),
                    resource,
                    "device " + device.id() + " is not registered");
        }
        return record;
    }

    /** Authorizes, validates and stores one telemetry document of the caller about itself. */
    @PermitAll
    public Telemetry recordTelemetry(DeviceAuthentication who, String resourceDeviceId, byte[] document) {
        AuthorizedDevice device = authorize(who, resourceDeviceId, "POST telemetry " + resourceDeviceId);
        String certificateSerial = who.serialHex();
        String body;
        try {
            body = TelemetryDocument.parse(document);
        } catch (TelemetryDocument.Invalid e) {
            throw new TelemetryRejected(e.getMessage(), e.tooLarge());
        }
        Telemetry telemetry = new Telemetry(device.id(), certificateSerial, Instant.ofEpochMilli(clock.millis()), body);
        em.persist(telemetry);
        return telemetry;
    }

    /** The newest telemetry of the caller (at most {@code max}) and how many there are in all. */
    @PermitAll
    public TelemetryPage telemetry(DeviceAuthentication who, String resourceDeviceId, int max) {
        AuthorizedDevice device = authorize(who, resourceDeviceId, "GET telemetry " + resourceDeviceId);
        long total = em.createNamedQuery(Telemetry.COUNT_BY_DEVICE, Long.class)
                .setParameter("device", device.id().value())
                .getSingleResult();
        List<Telemetry> newest = em.createNamedQuery(Telemetry.FIND_BY_DEVICE, Telemetry.class)
                .setParameter("device", device.id().value())
                .setMaxResults(Math.max(1, Math.min(max, 100)))
                .getResultList();
        return new TelemetryPage(total, newest);
    }

    public record TelemetryPage(long total, List<Telemetry> newest) {}

    /**
     * Decisions by reason since this server started, for the operator's metrics endpoint: counts only, no device,
     * certificate or timing, so it is open like the health checks (restrict the endpoint itself, see
     * docs/monitoring.md).
     */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Map<AccessReason, Long> decisionCounts() {
        return counters.counts();
    }

    /** Decisions by reason since this server started, and recent decision times. */
    @RolesAllowed({"admin", "operator", "auditor"})
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public AccessCounters counters() {
        return counters;
    }

    /**
     * The view cannot decide. Counted and logged (once a second at most), not chained: the likely cause, an
     * unreachable database, is where the chain lives, and a 503 must not wait for it.
     */
    private Unavailable unavailable(String actor, String resource, AuthorizationView.Stale cause) {
        counters.count(AccessReason.UNAVAILABLE);
        long now = System.nanoTime();
        long last = lastUnavailableLog.get();
        if (now - last > 1_000_000_000L && lastUnavailableLog.compareAndSet(last, now)) {
            LOG.warning(() -> "DeviceTrust: device request refused with 503 (" + cause.getMessage() + "): "
                    + (actor == null ? AuditLog.ANONYMOUS : actor) + " " + AuditRecord.clip(resource, 300));
        }
        return new Unavailable("device requests cannot be decided now: " + cause.getMessage());
    }

    private Refused refuse(AccessReason reason, String actor, String resource, String detail) {
        return refuse(reason, actor, resource, detail, actor);
    }

    private Refused refuse(AccessReason reason, String actor, String resource, String detail, String subject) {
        counters.count(reason);
        audit.record(
                actor == null ? AuditLog.ANONYMOUS : actor,
                AuditAction.DEVICE_ACCESS,
                subject == null ? "-" : subject,
                AuditOutcome.FAILURE,
                reason.problemType() + ": " + detail + " (" + AuditRecord.clip(resource, 300) + ")");
        return new Refused(reason, detail);
    }

    private CertificateCheck certificateCheck() {
        CertificateCheck current = check;
        if (current == null) {
            current = new CertificateCheck(certificates.deviceCaCertificate(), provider, clock);
            check = current;
        }
        return current;
    }

    /** Device ids are not secrets, but comparing without early exit costs nothing and leaks nothing. */
    private static boolean sameId(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** For the audit subject of a refused certificate: the device it claims, if it names one. */
    private static String subjectOf(X509Certificate[] chain) {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            return AuditLog.ANONYMOUS;
        }
        BigInteger serial = chain[0].getSerialNumber();
        return "serial " + (serial == null ? "?" : serial.toString(16));
    }
}
