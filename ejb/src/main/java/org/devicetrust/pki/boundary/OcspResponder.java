package org.devicetrust.pki.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.CaKeyStore;
import org.devicetrust.pki.control.KeyStoreUnavailableException;
import org.devicetrust.pki.control.OcspResponseCache;
import org.devicetrust.pki.control.OcspResponses;
import org.devicetrust.pki.control.OcspSignerCertificates;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.SerialNumber;
import org.devicetrust.platform.boundary.AuthorizationChanges;
import org.devicetrust.platform.entity.AuthorizationChange;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OCSP responder of the Device CA (RFC 6960, RFC 5019 profile): answers from the issued-certificates table,
 * signs with a delegated OCSP signing certificate that it issues itself and keeps in the CA key store under
 * {@link CaKeyStore#OCSP_SIGNER}, and renews it when half its validity has passed.
 *
 * <p>Requests without a nonce for one certificate get a pre-produced response, cached per serial until half of
 * its validity has passed. A revocation evicts the serial's response when its transaction completes on this
 * node (the {@link AuthorizationChange} it records), before the revoke call returns; other nodes evict it from
 * the authorization change feed, which this bean follows every second, and stop serving cached responses when
 * they cannot follow the feed. A response built from a read that raced a revocation is never cached: an eviction
 * counter taken before the read must be unchanged when the response is put in.
 */
@Singleton
@Startup
@DependsOn("DeviceCa")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class OcspResponder {

    private static final Logger LOG = Logger.getLogger(OcspResponder.class.getName());
    /** The largest OCSP request read (bytes of DER). */
    public static final int MAX_REQUEST_BYTES = OcspResponses.MAX_REQUEST_BYTES;
    /** Cached responses are not used when the change feed was last read longer ago than this. */
    static final Duration FEED_STALENESS = Duration.ofSeconds(5);
    /** A revocation recorded longer ago than this is taken as committed (or never to commit). */
    static final Duration FEED_SETTLE = Duration.ofSeconds(30);
    /** HTTP dates (RFC 9110 5.6.7) for Last-Modified and Expires. */
    private static final java.time.format.DateTimeFormatter HTTP_DATE = java.time.format.DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ENGLISH)
            .withZone(java.time.ZoneOffset.UTC);

    /** How the responder answered, for the dashboard (per node, since start). */
    public enum Outcome {
        GOOD,
        REVOKED,
        UNKNOWN,
        MALFORMED_REQUEST,
        UNAUTHORIZED,
        TRY_LATER,
        INTERNAL_ERROR
    }

    /**
     * One response: the DER and, for pre-produced ones, what HTTP caching needs (RFC 5019 6.2), the HTTP dates
     * already formatted (RFC 9110 IMF-fixdate) so that a cache hit is answered without formatting anything;
     * {@code cacheable} is false for nonced and error responses. A pre-produced answer is built once and handed
     * out on every hit: {@link #der()} copies, {@link #writeTo} does not.
     */
    public record Answer(
            byte[] der,
            Outcome outcome,
            boolean cacheable,
            Instant producedAt,
            Instant thisUpdate,
            Instant nextUpdate,
            String etag,
            String httpLastModified,
            String httpExpires) {
        @Override
        public byte[] der() {
            return der.clone();
        }

        /** The DER's length in bytes. */
        public int length() {
            return der.length;
        }

        /** Writes the DER without copying it. */
        public void writeTo(java.io.OutputStream out) throws java.io.IOException {
            out.write(der);
        }
    }

    /** The signer and the counters, for the admin API and the console. */
    public record Status(
            String signerSerial,
            String signerSubject,
            Instant signerNotBefore,
            Instant signerNotAfter,
            Duration responseValidity,
            int cachedResponses,
            Map<Outcome, Long> answers,
            long cacheHits,
            Instant countingSince) {}

    private record Signer(CaCredential credential, String serialHex) {}

    private record Cached(byte[] certIdDer, Instant refreshAt, String signerSerial, Answer answer) {}

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    @EJB
    AuditLog auditLog;

    @EJB
    AuthorizationChanges changes;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SecureRandom random;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "devicetrust.pki.ocsp-signer-validity-hours", defaultValue = "48")
    int signerValidityHours;

    @Inject
    @ConfigProperty(name = "devicetrust.pki.ocsp-response-validity-minutes", defaultValue = "10")
    int responseValidityMinutes;

    @Inject
    @ConfigProperty(name = "devicetrust.pki.ocsp-cache-entries", defaultValue = "200000")
    int maxCachedResponses;

    private volatile OcspResponseCache<Cached> cache;
    private final EnumMap<Outcome, LongAdder> counters = new EnumMap<>(Outcome.class);
    private final LongAdder cacheHits = new LongAdder();
    private final Set<Long> feedSeen = ConcurrentHashMap.newKeySet();
    private volatile Signer signer;
    private volatile OcspResponses responses;
    private volatile long feedLowWater = -1;
    private volatile Instant feedReadAt = Instant.EPOCH;
    private volatile Instant countingSince;
    private ScheduledFuture<?> following;

    @PostConstruct
    void start() {
        if (signerValidityHours < 2 || signerValidityHours > 24 * 30) {
            throw new PkiException.CaUnavailable("devicetrust.pki.ocsp-signer-validity-hours must be 2 to 720");
        }
        if (maxCachedResponses < 0) {
            throw new PkiException.CaUnavailable("devicetrust.pki.ocsp-cache-entries must not be negative");
        }
        if (responseValidityMinutes < 1 || responseValidityMinutes * 2L > signerValidityHours * 60L) {
            throw new PkiException.CaUnavailable(
                    "devicetrust.pki.ocsp-response-validity-minutes must be at least 1 and at most half the signer's");
        }
        for (Outcome outcome : Outcome.values()) {
            counters.put(outcome, new LongAdder());
        }
        countingSince = clock.instant();
        responses = new OcspResponses(deviceCa.certificate(), deviceCa.provider());
        cache = new OcspResponseCache<>(maxCachedResponses);
        renewSignerIfDue();
        following = scheduler.scheduleWithFixedDelay(this::followFeed, 0, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (following != null) {
            following.cancel(false);
        }
    }

    /** Answers one DER-encoded OCSP request. Never throws: every failure is an OCSP error status. */
    @PermitAll
    public Answer respond(byte[] request) {
        Instant now = now();
        OcspResponses.Request parsed;
        try {
            parsed = responses.parse(request);
        } catch (OcspResponses.MalformedRequest e) {
            return error(OCSPRespBuilder.MALFORMED_REQUEST, Outcome.MALFORMED_REQUEST);
        } catch (OcspResponses.UnsupportedHash e) {
            return error(OCSPRespBuilder.UNAUTHORIZED, Outcome.UNAUTHORIZED);
        }
        Signer current = signer;
        if (current == null) {
            return error(OCSPRespBuilder.TRY_LATER, Outcome.TRY_LATER);
        }
        try {
            if (!parsed.hasNonce()
                    && parsed.queries().size() == 1
                    && parsed.queries().get(0).ourIssuer()) {
                return preProduced(current, parsed.queries().get(0), now);
            }
            List<OcspResponses.Answer> answers = new ArrayList<>();
            for (OcspResponses.Query query : parsed.queries()) {
                answers.add(lookUp(query));
            }
            Instant nextUpdate = now.plus(responseValidity());
            byte[] der = responses.sign(current.credential(), answers, parsed.nonce(), now, now, nextUpdate);
            Outcome outcome = outcomeOf(answers);
            count(outcome);
            return new Answer(der, outcome, false, now, now, nextUpdate, null, null, null);
        } catch (jakarta.persistence.PersistenceException e) {
            LOG.log(Level.WARNING, "DeviceTrust OCSP cannot read certificate status: {0}", e.getMessage());
            return error(OCSPRespBuilder.TRY_LATER, Outcome.TRY_LATER);
        } catch (KeyStoreUnavailableException e) {
            LOG.log(Level.SEVERE, "DeviceTrust CA key store unavailable: {0}", e.getMessage());
            return error(OCSPRespBuilder.TRY_LATER, Outcome.TRY_LATER);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "DeviceTrust OCSP response failed: {0}", e.toString());
            return error(OCSPRespBuilder.INTERNAL_ERROR, Outcome.INTERNAL_ERROR);
        }
    }

    private Answer preProduced(Signer current, OcspResponses.Query query, Instant now) {
        BigInteger key = query.serial();
        byte[] certId = certIdDer(query);
        Cached cached = cache.get(key);
        boolean feedFresh = !clock.instant().isAfter(feedReadAt.plus(FEED_STALENESS));
        if (feedFresh
                && cached != null
                && now.isBefore(cached.refreshAt())
                && cached.signerSerial().equals(current.serialHex())
                && MessageDigest.isEqual(cached.certIdDer(), certId)) {
            cacheHits.increment();
            count(cached.answer().outcome());
            return cached.answer();
        }
        long ticket = cache.ticket();
        OcspResponses.Answer answer = lookUp(query);
        Instant nextUpdate = now.plus(responseValidity());
        byte[] der = responses.sign(current.credential(), List.of(answer), null, now, now, nextUpdate);
        Outcome outcome = outcomeOf(List.of(answer));
        Answer preProduced = new Answer(
                der,
                outcome,
                true,
                now,
                now,
                nextUpdate,
                etag(der),
                HTTP_DATE.format(now),
                HTTP_DATE.format(nextUpdate));
        Cached fresh = new Cached(certId, now.plus(responseValidity().dividedBy(2)), current.serialHex(), preProduced);
        // unknown serials are not kept: anyone could fill the cache with them
        if (feedFresh && outcome != Outcome.UNKNOWN) {
            cache.put(key, ticket, fresh);
        }
        count(outcome);
        return preProduced;
    }

    private OcspResponses.Answer lookUp(OcspResponses.Query query) {
        if (!query.ourIssuer()) {
            return OcspResponses.Answer.unknown(query);
        }
        Optional<SerialNumber> serial = SerialNumber.of(query.serial());
        if (serial.isEmpty()) {
            return OcspResponses.Answer.unknown(query);
        }
        List<Object[]> rows = em.createNamedQuery(IssuedCertificate.FIND_STATUS_BY_SERIAL, Object[].class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("serial", serial.get().hex())
                .setHint("jakarta.persistence.query.timeout", 2000)
                .getResultList();
        if (rows.isEmpty()) {
            return OcspResponses.Answer.unknown(query);
        }
        Object[] row = rows.get(0);
        if (row[0] == CertificateStatus.REVOKED) {
            return OcspResponses.Answer.revoked(
                    query, (Instant) row[1], OcspResponses.reasonCodeForResponse(((RevocationReason) row[2]).code()));
        }
        return OcspResponses.Answer.good(query);
    }

    /**
     * Evicts the pre-produced response of a revoked certificate when the revoking transaction completes on this
     * node: the container calls this before the revoke call returns.
     */
    public void changed(@Observes(during = TransactionPhase.AFTER_COMPLETION) AuthorizationChange change) {
        if (change.kind() == AuthorizationChange.Kind.CERTIFICATE_REVOKED) {
            evict(change.serialHex());
        }
    }

    private void evict(String serialHex) {
        cache.evict(new BigInteger(serialHex, 16));
    }

    /** Reads revocations of other nodes from the change feed (and this node's again: harmless). */
    private void followFeed() {
        try {
            Instant readAt = clock.instant();
            if (feedLowWater < 0) {
                feedLowWater = changes.settledUpTo(readAt.minus(FEED_SETTLE));
            }
            long from = feedLowWater;
            List<AuthorizationChange> page;
            do {
                page = changes.after(from, 1000);
                for (AuthorizationChange change : page) {
                    if (change.kind() == AuthorizationChange.Kind.CERTIFICATE_REVOKED
                            && feedSeen.add(change.sequence())) {
                        evict(change.serialHex());
                    }
                    from = Math.max(from, change.sequence());
                }
            } while (page.size() == 1000);
            long settled = changes.settledUpTo(readAt.minus(FEED_SETTLE));
            if (settled > feedLowWater) {
                feedLowWater = settled;
                feedSeen.removeIf(sequence -> sequence <= settled);
            }
            feedReadAt = readAt;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "DeviceTrust OCSP cannot read the change feed: {0}", e.getMessage());
        }
    }

    /** Renews the delegated signer when half its validity has passed (checked every ten minutes). */
    @Schedule(hour = "*", minute = "*/10", persistent = false)
    void renewSignerOnSchedule() {
        try {
            renewSignerIfDue();
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "DeviceTrust OCSP signer renewal failed; next attempt in 10 minutes: {0}",
                    e.getMessage());
        }
    }

    private synchronized void renewSignerIfDue() {
        Instant now = clock.instant();
        Signer current = signer;
        CaKeyStore store = deviceCa.keyStore();
        if (current == null && store.contains(CaKeyStore.OCSP_SIGNER)) {
            try {
                CaCredential stored = store.credential(CaKeyStore.OCSP_SIGNER);
                if (OcspSignerCertificates.isOcspSignerOf(
                        stored.certificate(), deviceCa.certificate(), deviceCa.provider())) {
                    current = new Signer(
                            stored, stored.certificate().getSerialNumber().toString(16));
                    signer = current;
                }
            } catch (KeyStoreUnavailableException e) {
                LOG.warning(() -> "DeviceTrust replaces the unreadable OCSP signer: " + e.getMessage());
            }
        }
        if (current != null
                && !OcspSignerCertificates.renewalDue(current.credential().certificate(), now)) {
            return;
        }
        CaCredential issued = new OcspSignerCertificates(deviceCa.provider(), random, clock)
                .issue(deviceCa.credential(), Duration.ofHours(signerValidityHours));
        String serial = issued.certificate().getSerialNumber().toString(16);
        try {
            store.store(CaKeyStore.OCSP_SIGNER, issued);
            // sign with the key as the store holds it (in a token: the token's copy, not the one in memory)
            issued = store.credential(CaKeyStore.OCSP_SIGNER);
        } catch (KeyStoreUnavailableException e) {
            // the new signer still answers on this node; the next start issues another one
            LOG.warning(() -> "DeviceTrust cannot save the OCSP signer in the CA key store: " + e.getMessage());
        }
        signer = new Signer(issued, serial);
        cache.clear();
        auditLog.record(
                DeviceCa.SYSTEM_ACTOR,
                AuditAction.OCSP_SIGNER_ISSUED,
                "device-ca",
                AuditOutcome.SUCCESS,
                "OCSP signer " + serial + ", valid until "
                        + issued.certificate().getNotAfter().toInstant());
    }

    /** The signer, the cache and the answers counted on this node. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public Status status() {
        Signer current = signer;
        Map<Outcome, Long> answers = new EnumMap<>(Outcome.class);
        counters.forEach((outcome, counter) -> answers.put(outcome, counter.sum()));
        return new Status(
                current == null ? null : current.serialHex(),
                current == null
                        ? null
                        : current.credential()
                                .certificate()
                                .getSubjectX500Principal()
                                .getName(),
                current == null
                        ? null
                        : current.credential().certificate().getNotBefore().toInstant(),
                current == null
                        ? null
                        : current.credential().certificate().getNotAfter().toInstant(),
                responseValidity(),
                cache.size(),
                answers,
                cacheHits.sum(),
                countingSince);
    }

    /** The delegated signer's certificate (public), for verifying responses. */
    @PermitAll
    public Optional<java.security.cert.X509Certificate> signerCertificate() {
        Signer current = signer;
        return current == null
                ? Optional.empty()
                : Optional.of(current.credential().certificate());
    }

    private Duration responseValidity() {
        return Duration.ofMinutes(responseValidityMinutes);
    }

    private Answer error(int status, Outcome outcome) {
        count(outcome);
        return new Answer(OcspResponses.error(status), outcome, false, null, null, null, null, null, null);
    }

    private void count(Outcome outcome) {
        counters.get(outcome).increment();
    }

    private static Outcome outcomeOf(List<OcspResponses.Answer> answers) {
        Outcome outcome = Outcome.GOOD;
        for (OcspResponses.Answer answer : answers) {
            switch (answer.kind()) {
                case REVOKED -> outcome = Outcome.REVOKED;
                case UNKNOWN -> {
                    if (outcome == Outcome.GOOD) {
                        outcome = Outcome.UNKNOWN;
                    }
                }
                default -> {
                    // good leaves the outcome as it is
                }
            }
        }
        return outcome;
    }

    private static byte[] certIdDer(OcspResponses.Query query) {
        try {
            return query.id().toASN1Primitive().getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("CertID cannot be encoded", e);
        }
    }

    private static String etag(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
