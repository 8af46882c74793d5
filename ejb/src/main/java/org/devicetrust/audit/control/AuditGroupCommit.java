package org.devicetrust.audit.control;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.devicetrust.audit.entity.AuditRecord;

/**
 * Group commit for the audit chain. Every record must be committed before the action it records returns, and
 * the chain admits one writer at a time; written one transaction per record, concurrent callers would queue on
 * the chain head and each wait for its own disk flush. Instead each caller queues its entry, and whichever
 * caller holds the writer lock appends everything queued so far in one transaction; the others find their
 * record committed when they get the lock, or write the next batch themselves. Nothing runs in the background:
 * a record is durable when {@link #append} returns, exactly as with one transaction per record.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@PermitAll
public class AuditGroupCommit {

    /** The most records one transaction appends. */
    static final int MAX_BATCH = 256;

    private record Pending(AuditAppender.Entry entry, CompletableFuture<AuditRecord> written) {
    }

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();

    @EJB
    AuditAppender appender;

    /** Appends the entry to the chain and returns the committed record; throws if the append failed. */
    public AuditRecord append(AuditAppender.Entry entry) {
        Pending mine = new Pending(entry, new CompletableFuture<>());
        queue.add(mine);
        while (!mine.written().isDone()) {
            writer.lock();
            try {
                if (!mine.written().isDone()) {
                    writeQueued();
                }
            } finally {
                writer.unlock();
            }
        }
        try {
            return mine.written().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void writeQueued() {
        List<Pending> batch = new ArrayList<>();
        for (Pending next; batch.size() < MAX_BATCH && (next = queue.poll()) != null; ) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<AuditRecord> records = appender.append(batch.stream().map(Pending::entry).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).written().complete(records.get(i));
            }
        } catch (RuntimeException e) {
            for (Pending pending : batch) {
                pending.written().completeExceptionally(e);
            }
        }
    }
}
