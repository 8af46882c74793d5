package org.devicetrust.audit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.junit.jupiter.api.Test;

class AuditGroupCommitTest {

    /** Fails every transaction that holds a "poison" entry, as the database does with a row it cannot store. */
    static final class PoisonedAppender extends AuditAppender {
        final AtomicInteger transactions = new AtomicInteger();
        final CountDownLatch firstCallHeld = new CountDownLatch(1);
        volatile boolean hold = true;

        @Override
        public List<AuditRecord> append(List<Entry> entries, Map<Long, Long> countedAllowed) {
            transactions.incrementAndGet();
            if (hold) { // let every caller queue up behind the first transaction, so they share a batch
                hold = false;
                try {
                    firstCallHeld.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            List<AuditRecord> records = new ArrayList<>();
            for (Entry entry : entries) {
                if (entry.subject().equals("poison")) {
                    throw new IllegalStateException("ERROR: invalid byte sequence");
                }
                records.add(new AuditRecord(
                        records.size() + 1,
                        Instant.now(),
                        entry.actor(),
                        entry.action(),
                        entry.subject(),
                        entry.outcome(),
                        entry.detail(),
                        "0",
                        "1"));
            }
            return records;
        }

        @Override
        public List<AuditRecord> append(List<Entry> entries) {
            return append(entries, Map.of());
        }
    }

    @Test
    void aRecordThatCannotBeWrittenFailsAloneAndTheOthersAreWritten() throws Exception {
        AuditGroupCommit commit = new AuditGroupCommit();
        PoisonedAppender appender = new PoisonedAppender();
        commit.appender = appender;
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<AuditRecord>> results = new ArrayList<>();
        results.add(pool.submit(() -> commit.append(entry("first"))));
        Thread.sleep(100); // the first caller now holds the writer
        for (int i = 0; i < 10; i++) {
            String subject = i == 5 ? "poison" : "well-behaved-" + i;
            results.add(pool.submit(() -> commit.append(entry(subject))));
        }
        Thread.sleep(200);
        appender.firstCallHeld.countDown();
        int written = 0;
        int failed = 0;
        for (Future<AuditRecord> result : results) {
            try {
                result.get(10, TimeUnit.SECONDS);
                written++;
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
            }
        }
        pool.shutdown();
        assertEquals(10, written, "everyone else's record is written");
        assertEquals(1, failed, "only the poison fails");
        assertTrue(appender.transactions.get() > 2, "the shared batch was retried one by one");
    }

    @Test
    void anUnreachableDatabaseIsNotRetriedRecordByRecord() {
        assertTrue(AuditGroupCommit.databaseUnreachable(new RuntimeException(new SQLException("no", "08001"))));
        assertTrue(AuditGroupCommit.databaseUnreachable(new RuntimeException(new ConnectException("refused"))));
        assertFalse(AuditGroupCommit.databaseUnreachable(new RuntimeException(new SQLException("bad", "22021"))));
        assertFalse(AuditGroupCommit.databaseUnreachable(new IllegalStateException("other")));
    }

    private static AuditAppender.Entry entry(String subject) {
        return new AuditAppender.Entry("it", AuditAction.DEVICE_ACCESS, subject, AuditOutcome.SUCCESS, "test");
    }
}
