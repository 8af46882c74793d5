package org.devicetrust.audit.control;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
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
// AuditCounters is called after each commit while the writer lock is held; a first call there would wait for the
// container's singleton start-up lock, which a start-up bean waiting for the writer lock holds: a deadlock.
@DependsOn("AuditCounters")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@PermitAll
public class AuditGroupCommit {

    /** The most records one transaction appends. */
    static final int MAX_BATCH = 256;
    /** Counted decisions reach the database at the latest this long after they were counted. */
    public static final int FLUSH_SECONDS = 5;

    private record Pending(AuditAppender.Entry entry, CompletableFuture<AuditRecord> written) {}

    private static final Logger LOG = Logger.getLogger(AuditGroupCommit.class.getName());

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();
    private final DecisionCounts counted = new DecisionCounts();

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

    /** The database cannot be reached at all (SQL state class 08, or no connection): retrying one by one is futile. */
    static boolean databaseUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof ConnectException
                    || t instanceof SQLException sql
                            && sql.getSQLState() != null
                            && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** One allowed device decision that is counted, not chained (see {@code AuditLog.countAllowedDecision}). */
    public void countAllowed(long epochMillis) {
        counted.add(epochMillis);
    }

    /** Writes the counted decisions that no audit batch took along. */
    @Schedule(second = "*/" + FLUSH_SECONDS, minute = "*", hour = "*", persistent = false)
    void flushCounts() {
        if (counted.isEmpty() || !writer.tryLock()) {
            return; // a batch being written takes the counts along
        }
        try {
            Map<Long, Long> drained = counted.drain(System.currentTimeMillis());
            if (drained.isEmpty()) {
                return;
            }
            try {
                appender.append(List.of(), drained);
            } catch (RuntimeException e) {
                counted.addAll(drained); // kept for the next try: nothing counted is lost while the database is away
            }
        } finally {
            writer.unlock();
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
        Map<Long, Long> drained = counted.drain(System.currentTimeMillis());
        try {
            List<AuditRecord> records =
                    appender.append(batch.stream().map(Pending::entry).toList(), drained);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).written().complete(records.get(i));
            }
        } catch (RuntimeException e) {
            counted.addAll(drained);
            if (batch.size() == 1 || databaseUnreachable(e)) {
                for (Pending pending : batch) {
                    pending.written().completeExceptionally(e);
                }
                return;
            }
            // one record that cannot be written must not fail the others' requests: write them one by one
            for (Pending pending : batch) {
                try {
                    pending.written()
                            .complete(appender.append(List.of(pending.entry())).get(0));
                } catch (RuntimeException alone) {
                    LOG.warning(() ->
                            "DeviceTrust: an audit record (" + pending.entry().action() + ") could not be"
                                    + " written: " + alone.getClass().getSimpleName());
                    pending.written().completeExceptionally(alone);
                }
            }
        }
    }
}
