package org.devicetrust.pki.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.pki.control.CrlFactory;
import org.devicetrust.pki.control.CrlFile;
import org.devicetrust.pki.control.KeyStoreUnavailableException;
import org.devicetrust.pki.control.RevocationUrls;
import org.devicetrust.pki.entity.CrlSeries;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.platform.control.AfterCommit;

/**
 * CRL publication: signs and stores a CRL (in the caller's transaction, so that a revocation and its CRL commit
 * together), writes the published CRL file for the TLS listener after the commit, and runs the timer that
 * re-publishes the CRL well before nextUpdate. The CRL number row serializes revocations and CRLs of the CA.
 */
@Singleton
@Startup
@DependsOn("DeviceCa")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CrlPublisher {

    private static final Logger LOG = Logger.getLogger(CrlPublisher.class.getName());
    /** How many CRLs are kept in the database (the newest one is served). */
    static final int KEPT_CRLS = 10;
    /** The longest validity of a delta CRL. */
    static final Duration DELTA_VALIDITY = Duration.ofHours(1);

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    @EJB
    AuditLog auditLog;

    @Resource
    TimerService timers;

    @Resource
    SessionContext context;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    Clock clock;

    private long lastWrittenCrlNumber;

    @PostConstruct
    void start() {
        // The first publication calls back into this bean, which the container forbids during start-up:
        // it runs from a timer right after.
        timers.createSingleActionTimer(0, new TimerConfig("first CRL publication", false));
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void publishFirstCrl(Timer timer) {
        republishCrl();
    }

    /**
     * Keeps the CRLs fresh: re-publishes the full CRL when half its validity has passed and the delta CRL when
     * half of its own has (and rewrites a missing file).
     */
    @Schedule(hour = "*", minute = "*/10", persistent = false)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void republishCrl() {
        try {
            context.getBusinessObject(CrlPublisher.class).republishCrlIfDue();
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "DeviceTrust CRL re-publication failed; next attempt in 10 minutes: {0}",
                    e.getMessage());
        }
    }

    /** Signs and publishes a new CRL now. */
    @RolesAllowed({"admin", "operator"})
    public PublishedCrl publishCrl() {
        return publish(lockSeries(), AuditLog.nameOf(context.getCallerPrincipal()));
    }

    /**
     * Publishes a CRL when there is none yet or half of the current one's validity has passed, and rewrites
     * the CRL file when it is missing or older than the newest CRL. Called at start-up and by the timer; it
     * never does more than the schedule asks, so it is open to every caller.
     */
    @PermitAll
    public void republishCrlIfDue() {
        CrlSeries series = lockSeries();
        Optional<PublishedCrl> latest = latest();
        Instant now = now();
        String actor = AuditLog.nameOf(context.getCallerPrincipal());
        if (isDue(latest.orElse(null), deviceCa.crlValidity(), now)) {
            publish(series, actor);
            return;
        }
        Optional<PublishedCrl> delta = latestDelta();
        if (delta.isEmpty()
                || delta.get().baseCrlNumber().getAsLong() != latest.get().crlNumber()
                || isDue(delta.get(), deltaValidity(), now)) {
            publishDelta(series, latest.get(), actor);
        }
        if (crlFileIsBehind(latest.get().crlNumber())) {
            PublishedCrl crl = latest.get();
            afterCommit(() -> writeCrlFile(crl.crlNumber(), crl.der()));
        }
    }

    /**
     * Locks (creating on first use) the CRL number row for the caller's transaction: revocations and CRLs of
     * this CA go one at a time. For {@link CertificateRevocation}, which publishes with {@link #publish} after.
     */
    @PermitAll
    public CrlSeries lockSeries() {
        CrlSeries series = em.find(CrlSeries.class, deviceCa.issuerDn(), LockModeType.PESSIMISTIC_WRITE);
        if (series == null) {
            series = new CrlSeries(deviceCa.issuerDn(), deviceCa.crlNumberFloor());
            em.persist(series);
            em.flush();
        }
        return series;
    }

    /**
     * Signs and stores the next full CRL of the locked series in the caller's transaction, then an empty delta
     * CRL on top of it (so that the delta served next to it always applies to the newest full CRL); the file
     * follows after the commit. Audited as {@code CRL_PUBLISHED} by {@code actor}.
     */
    @PermitAll
    public PublishedCrl publish(CrlSeries series, String actor) {
        try {
            long number = series.next(deviceCa.crlNumberFloor());
            Instant thisUpdate = now();
            Instant nextUpdate = thisUpdate.plus(deviceCa.crlValidity());
            List<CrlFactory.RevokedEntry> entries = entries(IssuedCertificate.FIND_REVOKED_UNEXPIRED, null, thisUpdate);
            CrlFactory.SignedCrl signed = new CrlFactory(deviceCa.provider())
                    .create(
                            deviceCa.credential(),
                            BigInteger.valueOf(number),
                            thisUpdate,
                            nextUpdate,
                            entries,
                            List.of(CrlFactory.freshestCrl(
                                    RevocationUrls.nextTo(deviceCa.crlUrl()).deltaCrl())));
            PublishedCrl crl = new PublishedCrl(
                    deviceCa.issuerDn(), number, thisUpdate, nextUpdate, signed.entryCount(), signed.der());
            em.persist(crl);
            byte[] der = signed.der();
            afterCommit(() -> writeCrlFile(number, der));
            auditLog.record(
                    actor,
                    AuditAction.CRL_PUBLISHED,
                    "device-ca",
                    AuditOutcome.SUCCESS,
                    "CRL " + number + ", " + signed.entryCount() + " entries, next update " + nextUpdate);
            publishDelta(series, crl, actor);
            return crl;
        } catch (KeyStoreUnavailableException e) {
            recordFailure(actor, e);
            throw deviceCa.unavailable(e);
        } catch (RuntimeException e) {
            recordFailure(actor, e);
            throw e;
        }
    }

    /**
     * Signs and stores the next delta CRL (RFC 5280 5.2.4) of the locked series in the caller's transaction: the
     * revocations since the newest full CRL, which it names in its Delta CRL Indicator. With no full CRL yet it
     * publishes a full one instead. Revocations publish this; the full CRL follows its schedule.
     */
    @PermitAll
    public PublishedCrl publishDelta(CrlSeries series, String actor) {
        Optional<PublishedCrl> base = latest();
        if (base.isEmpty()) {
            return publish(series, actor);
        }
        try {
            return publishDelta(series, base.get(), actor);
        } catch (KeyStoreUnavailableException e) {
            recordFailure(actor, e);
            throw deviceCa.unavailable(e);
        } catch (RuntimeException e) {
            recordFailure(actor, e);
            throw e;
        }
    }

    private PublishedCrl publishDelta(CrlSeries series, PublishedCrl base, String actor) {
        long number = series.next(deviceCa.crlNumberFloor());
        Instant thisUpdate = now();
        Instant nextUpdate = thisUpdate.plus(deltaValidity());
        List<CrlFactory.RevokedEntry> entries =
                entries(IssuedCertificate.FIND_REVOKED_SINCE, base.thisUpdate(), thisUpdate);
        CrlFactory.SignedCrl signed = new CrlFactory(deviceCa.provider())
                .create(
                        deviceCa.credential(),
                        BigInteger.valueOf(number),
                        thisUpdate,
                        nextUpdate,
                        entries,
                        List.of(CrlFactory.deltaCrlIndicator(BigInteger.valueOf(base.crlNumber()))));
        PublishedCrl delta = PublishedCrl.delta(
                deviceCa.issuerDn(),
                number,
                base.crlNumber(),
                thisUpdate,
                nextUpdate,
                signed.entryCount(),
                signed.der());
        em.persist(delta);
        em.createNamedQuery(PublishedCrl.DELETE_UP_TO)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("number", number - KEPT_CRLS)
                .setParameter("base", base.crlNumber())
                .executeUpdate();
        auditLog.record(
                actor,
                AuditAction.CRL_PUBLISHED,
                "device-ca",
                AuditOutcome.SUCCESS,
                "delta CRL " + number + " on CRL " + base.crlNumber() + ", " + signed.entryCount()
                        + " entries, next update " + nextUpdate);
        return delta;
    }

    /**
     * How long a delta CRL is valid: an hour, or the full CRL's validity when that is shorter. The timer
     * re-publishes it when half of that has passed, so a relying party always finds a current one.
     */
    Duration deltaValidity() {
        Duration full = deviceCa.crlValidity();
        return full.compareTo(DELTA_VALIDITY) < 0 ? full : DELTA_VALIDITY;
    }

    private List<CrlFactory.RevokedEntry> entries(String query, Instant since, Instant now) {
        var q = em.createNamedQuery(query, Object[].class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setParameter("now", now);
        if (since != null) {
            q.setParameter("since", since);
        }
        List<CrlFactory.RevokedEntry> entries = new ArrayList<>();
        for (Object[] row : q.getResultList()) {
            entries.add(new CrlFactory.RevokedEntry(
                    new BigInteger((String) row[0], 16), (Instant) row[1], ((RevocationReason) row[2]).code()));
        }
        return entries;
    }

    private void recordFailure(String actor, RuntimeException e) {
        auditLog.record(
                actor,
                AuditAction.CRL_PUBLISHED,
                "device-ca",
                AuditOutcome.FAILURE,
                e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** A new CRL is due when there is none, half the configured validity has passed, or nextUpdate is reached. */
    static boolean isDue(PublishedCrl latest, Duration validity, Instant now) {
        return latest == null
                || !now.isBefore(latest.thisUpdate().plus(validity.dividedBy(2)))
                || !now.isBefore(latest.nextUpdate());
    }

    private Optional<PublishedCrl> latestDelta() {
        return em.createNamedQuery(PublishedCrl.FIND_LATEST_DELTA, PublishedCrl.class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    private Optional<PublishedCrl> latest() {
        return em.createNamedQuery(PublishedCrl.FIND_LATEST, PublishedCrl.class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    /**
     * Replaces the CRL file in the data directory (PEM) in one step. Called after the CRL's transaction
     * committed; an older CRL never overwrites a newer one, whichever node of a cluster sharing the data
     * directory wrote it ({@link CrlFile#replaceIfNewer}).
     */
    private synchronized void writeCrlFile(long crlNumber, byte[] der) {
        if (crlNumber <= lastWrittenCrlNumber && Files.exists(deviceCa.layout().crlFile())) {
            return;
        }
        try {
            lastWrittenCrlNumber = Math.max(
                    lastWrittenCrlNumber,
                    CrlFile.replaceIfNewer(deviceCa.layout().crlFile(), crlNumber, der));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "DeviceTrust cannot write the CRL file {0}: {1}", new Object[] {
                deviceCa.layout().crlFile(), e.getMessage()
            });
        }
    }

    private synchronized boolean crlFileIsBehind(long crlNumber) {
        return lastWrittenCrlNumber < crlNumber
                || !Files.exists(deviceCa.layout().crlFile());
    }

    private void afterCommit(Runnable action) {
        AfterCommit.run(transactions, action);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
