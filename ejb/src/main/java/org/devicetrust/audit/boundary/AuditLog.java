package org.devicetrust.audit.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.logging.Logger;
import org.devicetrust.audit.control.AuditAppender;
import org.devicetrust.audit.control.AuditChain;
import org.devicetrust.audit.control.AuditGroupCommit;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditChainHead;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.devicetrust.audit.entity.ChainVerification;
import org.devicetrust.audit.entity.DeviceAccessHour;

/**
 * The tamper-evident audit log. A record is committed in a transaction of its own, never the caller's, so that
 * the record of an attempt survives the rollback of the attempt itself; concurrent records share that
 * transaction ({@link AuditGroupCommit}). The exception is {@link #recordInTransaction}: the record of a
 * state change that must never exist without the change (a certificate issued) is appended in the caller's
 * transaction and commits with it. That transaction then holds the chain head until it ends, so records its
 * thread asks for afterwards through the other methods are written right after it ends (failures always,
 * successes only if it committed), instead of waiting for the head it holds.
 */
@Stateless
@PermitAll
public class AuditLog {

    public static final String ANONYMOUS = "anonymous";
    private static final int VERIFY_BATCH = 1000;
    public static final int MAX_PAGE_SIZE = 500;
    private static final int HOURS_SHOWN = 24;

    /**
     * A filter and page of the audit log; every filter is optional. {@code from} inclusive, {@code to}
     * exclusive. Newest first.
     */
    public record AuditQuery(
            Instant from,
            Instant to,
            String actor,
            AuditAction action,
            AuditOutcome outcome,
            String subject,
            int first,
            int pageSize) {
        public AuditQuery {
            if (first < 0 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException(
                        "page must start at 0 or later and hold 1 to " + MAX_PAGE_SIZE + " records");
            }
        }
    }

    /** Device authorization decisions of one hour ({@code DEVICE_ACCESS} records). */
    public record HourlyAuthorizations(Instant hourStart, long allowed, long refused) {}

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext context;

    @EJB
    AuditGroupCommit groupCommit;

    @EJB
    AuditAppender appender;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /** One record to append with others in the caller's transaction ({@link #recordAllInTransaction}). */
    public record Entry(String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {}

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    /** Set while the thread's transaction holds the chain head; see {@link HeadHeld}. */
    private static final ThreadLocal<HeadHeld> HEAD_HELD = new ThreadLocal<>();

    @Inject
    Clock clock;

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public AuditRecord success(AuditAction action, String subject, String detail) {
        return append(caller(), action, subject, AuditOutcome.SUCCESS, detail);
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public AuditRecord failure(AuditAction action, String subject, String detail) {
        return append(caller(), action, subject, AuditOutcome.FAILURE, detail);
    }

    /** For callers that know the actor better than the container does (for example before authentication). */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public AuditRecord record(String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {
        return append(actor, action, subject, outcome, detail);
    }

    /**
     * Counts one allowed device request that is not chained (a later request of an already audited TLS
     * session) in the hourly decision counts. Kept in memory and written with the next audit batch, or within
     * {@link AuditGroupCommit#FLUSH_SECONDS} seconds: the counts are statistics, the chain is the record.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void countAllowedDecision() {
        groupCommit.countAllowed(clock.millis());
    }

    /**
     * Appends the record in the caller's transaction: it commits with the change it records, or neither does.
     * The chain head is locked until the transaction ends, so call this after the transaction's other writes.
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public AuditRecord recordInTransaction(
            String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {
        return recordAllInTransaction(List.of(new Entry(actor, action, subject, outcome, detail)))
                .get(0);
    }

    /**
     * {@link #recordInTransaction} for several records at once (one batch of issuance): one lock of the chain
     * head, one commit. A failure among them is written again in a transaction of its own if the caller's
     * transaction rolls back, so that the record of the attempt survives.
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public List<AuditRecord> recordAllInTransaction(List<Entry> entries) {
        List<AuditAppender.Entry> appended = entries.stream()
                .map(e -> new AuditAppender.Entry(e.actor(), e.action(), e.subject(), e.outcome(), e.detail()))
                .toList();
        List<AuditRecord> records = appender.appendInCallerTransaction(appended);
        HeadHeld held = headHeld();
        for (AuditAppender.Entry entry : appended) {
            if (entry.outcome() == AuditOutcome.FAILURE) {
                held.failuresIfRolledBack.add(entry);
            }
        }
        return records;
    }

    /**
     * Committed in a transaction of its own (with whatever other records are waiting) before this returns;
     * or, if this thread's transaction holds the chain head, written right after that transaction ends (and
     * {@code null} is returned).
     */
    private AuditRecord append(String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {
        AuditAppender.Entry entry = new AuditAppender.Entry(actor, action, subject, outcome, detail);
        HeadHeld held = HEAD_HELD.get();
        if (held != null) {
            if (held.open) {
                held.afterwards.add(entry);
                return null;
            }
            HEAD_HELD.remove(); // ended on another thread (a timeout), so nothing is held here any more
        }
        return groupCommit.append(entry);
    }

    private HeadHeld headHeld() {
        Object key = HeadHeld.class;
        HeadHeld held = (HeadHeld) transactions.getResource(key);
        if (held == null) {
            held = new HeadHeld(groupCommit);
            transactions.putResource(key, held);
            transactions.registerInterposedSynchronization(held);
            HEAD_HELD.set(held);
        }
        return held;
    }

    /**
     * The chain head held by a transaction through its end: the records its thread asked for meanwhile, and
     * those of its own failures, written once it has ended. Without this a record asked for on the same thread
     * would wait for the head its own transaction holds.
     */
    private static final class HeadHeld implements Synchronization {
        private final AuditGroupCommit groupCommit;
        private final Thread owner = Thread.currentThread();
        private final List<AuditAppender.Entry> afterwards = new ArrayList<>();
        private final List<AuditAppender.Entry> failuresIfRolledBack = new ArrayList<>();
        private volatile boolean open = true;

        HeadHeld(AuditGroupCommit groupCommit) {
            this.groupCommit = groupCommit;
        }

        @Override
        public void beforeCompletion() {
            // nothing: the records appended in the transaction are written with it
        }

        @Override
        public void afterCompletion(int status) {
            open = false;
            if (Thread.currentThread() == owner) {
                HEAD_HELD.remove();
            }
            boolean committed = status == Status.STATUS_COMMITTED;
            List<AuditAppender.Entry> pending = new ArrayList<>();
            if (!committed) {
                pending.addAll(failuresIfRolledBack);
            }
            for (AuditAppender.Entry entry : afterwards) {
                if (committed || entry.outcome() == AuditOutcome.FAILURE) {
                    pending.add(entry);
                }
            }
            for (AuditAppender.Entry entry : pending) {
                try {
                    groupCommit.append(entry);
                } catch (RuntimeException e) {
                    LOG.warning(() -> "DeviceTrust: an audit record (" + entry.action() + ") asked for during a"
                            + " transaction that held the chain head could not be written afterwards: "
                            + e.getClass().getSimpleName());
                }
            }
        }
    }

    /** Verifies the whole chain, streaming it in batches; also checks that no record was cut off the end. */
    @RolesAllowed({"admin", "auditor"})
    public ChainVerification verify() {
        AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID);
        ChainVerification result = AuditChain.verify(new BatchIterator());
        if (result.intact() && result.checked() != head.lastSequence()) {
            result = new ChainVerification(
                    result.checked(),
                    result.checked() + 1,
                    "chain ends at record " + result.checked() + " but " + head.lastSequence() + " were written");
        }
        append(
                caller(),
                AuditAction.AUDIT_VERIFIED,
                "audit-log",
                result.intact() ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
                result.intact()
                        ? result.checked() + " records intact"
                        : "first broken link at record " + result.firstBrokenSequence() + ": " + result.reason());
        return result;
    }

    /** One page of records matching the filter, newest first, filtered and paged in the database. */
    @RolesAllowed({"admin", "auditor"})
    public List<AuditRecord> search(AuditQuery query) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<AuditRecord> cq = cb.createQuery(AuditRecord.class);
        Root<AuditRecord> root = cq.from(AuditRecord.class);
        cq.where(filter(cb, root, query)).orderBy(cb.desc(root.get("sequence")));
        return em.createQuery(cq)
                .setFirstResult(query.first())
                .setMaxResults(query.pageSize())
                .getResultList();
    }

    /**
     * How many records match. Without a filter this is the chain head's sequence (records are numbered from 1
     * without gaps and never deleted), so the unfiltered audit page does not count millions of rows each time.
     */
    @RolesAllowed({"admin", "auditor"})
    public long count(AuditQuery query) {
        if (isUnfiltered(query)) {
            AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID);
            return head == null ? 0 : head.lastSequence();
        }
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Long> cq = cb.createQuery(Long.class);
        Root<AuditRecord> root = cq.from(AuditRecord.class);
        cq.select(cb.count(root)).where(filter(cb, root, query));
        return em.createQuery(cq).getSingleResult();
    }

    /** The newest authorization decisions about one device, for its detail page. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<AuditRecord> recentDecisions(String deviceId, int max) {
        return search(new AuditQuery(
                null,
                null,
                null,
                AuditAction.DEVICE_ACCESS,
                null,
                deviceId,
                0,
                Math.max(1, Math.min(max, MAX_PAGE_SIZE))));
    }

    /**
     * Allowed and refused device authorizations per hour for the last 24 hours, oldest hour first; the last
     * entry is the current, incomplete hour. Read from the hourly counts the appender keeps (24 rows at most),
     * not counted from the audit log.
     */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<HourlyAuthorizations> authorizationsPerHour() {
        Instant currentHour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant first = currentHour.minus(Duration.ofHours(HOURS_SHOWN - 1));
        Map<Long, DeviceAccessHour> stored = new HashMap<>();
        for (DeviceAccessHour hour : em.createNamedQuery(DeviceAccessHour.FROM, DeviceAccessHour.class)
                .setParameter("from", first.toEpochMilli())
                .getResultList()) {
            stored.put(hour.hourStartMillis(), hour);
        }
        List<HourlyAuthorizations> hours = new ArrayList<>(HOURS_SHOWN);
        for (Instant start = first; !start.isAfter(currentHour); start = start.plus(Duration.ofHours(1))) {
            DeviceAccessHour counts = stored.get(start.toEpochMilli());
            hours.add(new HourlyAuthorizations(
                    start, counts == null ? 0 : counts.allowed(), counts == null ? 0 : counts.refused()));
        }
        return hours;
    }

    private static boolean isUnfiltered(AuditQuery query) {
        return query.from() == null
                && query.to() == null
                && (query.actor() == null || query.actor().isBlank())
                && query.action() == null
                && query.outcome() == null
                && (query.subject() == null || query.subject().isBlank());
    }

    private static Predicate[] filter(CriteriaBuilder cb, Root<AuditRecord> root, AuditQuery query) {
        List<Predicate> where = new ArrayList<>();
        if (query.from() != null) {
            where.add(cb.greaterThanOrEqualTo(
                    root.get("occurredAtMillis"), query.from().toEpochMilli()));
        }
        if (query.to() != null) {
            where.add(cb.lessThan(root.get("occurredAtMillis"), query.to().toEpochMilli()));
        }
        if (query.actor() != null && !query.actor().isBlank()) {
            where.add(cb.equal(root.get("actor"), query.actor().strip()));
        }
        if (query.action() != null) {
            where.add(cb.equal(root.get("action"), query.action()));
        }
        if (query.outcome() != null) {
            where.add(cb.equal(root.get("outcome"), query.outcome()));
        }
        if (query.subject() != null && !query.subject().isBlank()) {
            where.add(cb.equal(root.get("subject"), query.subject().strip()));
        }
        return where.toArray(Predicate[]::new);
    }

    private String caller() {
        return nameOf(context.getCallerPrincipal());
    }

    /** The name every boundary records as the actor: the caller's principal, or {@link #ANONYMOUS}. */
    public static String nameOf(Principal principal) {
        return principal == null ? ANONYMOUS : principal.getName();
    }

    /** Reads the chain page by page so that verification of millions of records needs constant memory. */
    private final class BatchIterator implements Iterator<AuditChain.Link> {
        private List<AuditRecord> batch = List.of();
        private int index;
        private long nextSequence = 1;
        private boolean exhausted;

        @Override
        public boolean hasNext() {
            if (index < batch.size()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            em.clear();
            batch = em.createNamedQuery(AuditRecord.FIND_FROM_SEQUENCE, AuditRecord.class)
                    .setParameter("from", nextSequence)
                    .setMaxResults(VERIFY_BATCH)
                    .getResultList();
            index = 0;
            exhausted = batch.size() < VERIFY_BATCH;
            return !batch.isEmpty();
        }

        @Override
        public AuditChain.Link next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            AuditRecord r = batch.get(index++);
            nextSequence = r.sequence() + 1;
            return new AuditChain.Link(
                    r.sequence(),
                    r.occurredAtMillis(),
                    r.actor(),
                    r.action().name(),
                    r.subject(),
                    r.outcome().name(),
                    r.detail(),
                    r.previousHash(),
                    r.hash());
        }
    }
}
