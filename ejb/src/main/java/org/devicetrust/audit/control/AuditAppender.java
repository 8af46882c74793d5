package org.devicetrust.audit.control;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.devicetrust.audit.boundary.AuditCounters;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditChainHead;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.devicetrust.audit.entity.DeviceAccessHour;
import org.devicetrust.platform.control.AfterCommit;

/**
 * Appends records to the hash chain, in one transaction of its own or in the caller's: locks the chain head (so that every server
 * sharing the database extends the same chain), links each record to the one before, moves the head, counts
 * device decisions per hour, commits.
 */
@Stateless
@PermitAll
public class AuditAppender {

    /** What is to be recorded; sequence, time and hashes are assigned when it is appended. */
    public record Entry(String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {}

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @EJB
    AuditCounters counters;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<AuditRecord> append(List<Entry> entries) {
        return append(entries, Map.of());
    }

    /**
     * Appends the entries and adds {@code countedAllowed} (hour start in epoch milliseconds -> allowed device
     * decisions that are counted, not chained) to the hourly counts, in one transaction.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<AuditRecord> append(List<Entry> entries, Map<Long, Long> countedAllowed) {
        return appendLocked(entries, countedAllowed);
    }

    /**
     * Appends the entries in the caller's transaction, so that they commit (or roll back) with what they record.
     * The chain head stays locked until that transaction ends: call this as the last write of the transaction.
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public List<AuditRecord> appendInCallerTransaction(List<Entry> entries) {
        return appendLocked(entries, Map.of());
    }

    private List<AuditRecord> appendLocked(List<Entry> entries, Map<Long, Long> countedAllowed) {
        AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID, LockModeType.PESSIMISTIC_WRITE);
        List<AuditRecord> records = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            long sequence = head.lastSequence() + 1;
            Instant now = Instant.ofEpochMilli(clock.millis());
            String actor = AuditRecord.clip(entry.actor(), AuditRecord.MAX_FIELD_LENGTH);
            String subject = AuditRecord.clip(entry.subject(), AuditRecord.MAX_FIELD_LENGTH);
            String detail = AuditRecord.clip(entry.detail(), AuditRecord.MAX_DETAIL_LENGTH);
            String hash = AuditChain.hash(
                    sequence,
                    now.toEpochMilli(),
                    actor,
                    entry.action().name(),
                    subject,
                    entry.outcome().name(),
                    detail,
                    head.lastHash());
            AuditRecord record = new AuditRecord(
                    sequence, now, actor, entry.action(), subject, entry.outcome(), detail, head.lastHash(), hash);
            em.persist(record);
            head.advance(sequence, hash);
            records.add(record);
        }
        countDecisions(records, countedAllowed);
        countWhenCommitted(entries);
        return records;
    }

    /** The operator's counters move only for records that are really written. */
    private void countWhenCommitted(List<Entry> entries) {
        List<Entry> counted = List.copyOf(entries);
        AfterCommit.run(transactions, () -> {
            for (Entry entry : counted) {
                counters.committed(entry.action(), entry.outcome());
            }
        });
    }

    /** Keeps the hourly decision counts with the records they count (still under the chain-head lock). */
    private void countDecisions(List<AuditRecord> records, Map<Long, Long> countedAllowed) {
        Map<Long, long[]> perHour = new TreeMap<>();
        countedAllowed.forEach((hour, allowed) -> perHour.computeIfAbsent(hour, h -> new long[2])[0] += allowed);
        for (AuditRecord record : records) {
            if (record.action() == AuditAction.DEVICE_ACCESS) {
                long hour = Math.floorDiv(record.occurredAtMillis(), DeviceAccessHour.HOUR_MILLIS)
                        * DeviceAccessHour.HOUR_MILLIS;
                perHour.computeIfAbsent(hour, h -> new long[2])[record.outcome() == AuditOutcome.SUCCESS ? 0 : 1]++;
            }
        }
        for (Map.Entry<Long, long[]> hour : perHour.entrySet()) {
            DeviceAccessHour counts = em.find(DeviceAccessHour.class, hour.getKey());
            if (counts == null) {
                counts = new DeviceAccessHour(hour.getKey());
                em.persist(counts);
            }
            counts.add(hour.getValue()[0], hour.getValue()[1]);
        }
    }
}
