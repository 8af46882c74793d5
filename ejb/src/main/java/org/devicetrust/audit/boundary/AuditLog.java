package org.devicetrust.audit.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.devicetrust.audit.control.AuditChain;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditChainHead;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;

/**
 * The tamper-evident audit log. Every record is written in its own transaction ({@code REQUIRES_NEW}) so that
 * the record of an attempt survives the rollback of the attempt itself.
 */
@Stateless
@PermitAll
public class AuditLog {

    public static final String ANONYMOUS = "anonymous";
    private static final int VERIFY_BATCH = 1000;

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext context;

    private final Clock clock = Clock.systemUTC();

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public AuditRecord success(AuditAction action, String subject, String detail) {
        return append(caller(), action, subject, AuditOutcome.SUCCESS, detail);
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public AuditRecord failure(AuditAction action, String subject, String detail) {
        return append(caller(), action, subject, AuditOutcome.FAILURE, detail);
    }

    /** For callers that know the actor better than the container does (for example before authentication). */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public AuditRecord record(String actor, AuditAction action, String subject, AuditOutcome outcome,
            String detail) {
        return append(actor, action, subject, outcome, detail);
    }

    private AuditRecord append(String actor, AuditAction action, String subject, AuditOutcome outcome,
            String detail) {
        AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID, LockModeType.PESSIMISTIC_WRITE);
        long sequence = head.lastSequence() + 1;
        Instant now = Instant.ofEpochMilli(clock.millis());
        String safeActor = AuditRecord.clip(actor, AuditRecord.MAX_FIELD_LENGTH);
        String safeSubject = AuditRecord.clip(subject, AuditRecord.MAX_FIELD_LENGTH);
        String safeDetail = AuditRecord.clip(detail, AuditRecord.MAX_DETAIL_LENGTH);
        String hash = AuditChain.hash(sequence, now.toEpochMilli(), safeActor, action.name(), safeSubject,
                outcome.name(), safeDetail, head.lastHash());
        AuditRecord record = new AuditRecord(sequence, now, safeActor, action, safeSubject, outcome, safeDetail,
                head.lastHash(), hash);
        em.persist(record);
        head.advance(sequence, hash);
        return record;
    }

    /** Verifies the whole chain, streaming it in batches; also checks that no record was cut off the end. */
    @RolesAllowed({"admin", "auditor"})
    public AuditChain.Verification verify() {
        AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID);
        AuditChain.Verification result = AuditChain.verify(new BatchIterator());
        if (result.intact() && result.checked() != head.lastSequence()) {
            result = new AuditChain.Verification(result.checked(), result.checked() + 1,
                    "chain ends at record " + result.checked() + " but " + head.lastSequence() + " were written");
        }
        append(caller(), AuditAction.AUDIT_VERIFIED, "audit-log",
                result.intact() ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
                result.intact() ? result.checked() + " records intact"
                        : "first broken link at record " + result.firstBrokenSequence() + ": " + result.reason());
        return result;
    }

    private String caller() {
        Principal principal = context.getCallerPrincipal();
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
                    .setParameter("from", nextSequence).setMaxResults(VERIFY_BATCH).getResultList();
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
            return new AuditChain.Link(r.sequence(), r.occurredAtMillis(), r.actor(), r.action().name(),
                    r.subject(), r.outcome().name(), r.detail(), r.previousHash(), r.hash());
        }
    }
}
