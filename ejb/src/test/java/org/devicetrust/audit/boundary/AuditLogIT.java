package org.devicetrust.audit.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.ChainVerification;
import org.devicetrust.it.ItDeployment;
import org.devicetrust.it.ItFixtures;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tamper-evident audit log inside Payara Micro, against PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class AuditLogIT {

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create();
    }

    @Inject
    AuditLog auditLog;

    @Inject
    ItFixtures fixtures;

    @Test
    void recordSurvivesTheRollbackOfTheCallersTransaction() throws Exception {
        String subject = "it-rollback-" + UUID.randomUUID().toString().substring(0, 8);
        assertThrows(ItFixtures.Rollback.class, () -> fixtures.auditThenFail(subject));
        assertFalse(fixtures.deviceExists(subject), "the business change was rolled back");
        List<String[]> records = fixtures.auditRecordsAbout(subject);
        assertEquals(1, records.size(), "the audit record was committed on its own");
        assertEquals("DEVICE_REGISTERED", records.get(0)[2]);
    }

    @Test
    void concurrentRecordsKeepOneUnbrokenChainInEachCallersOrder() throws Exception {
        String prefix = "it-concurrent-" + UUID.randomUUID().toString().substring(0, 8);
        int threads = 16;
        int perThread = 25;
        long[] decisionsBefore = fixtures.deviceDecisionTotals();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String subject = prefix + "-" + t;
                work.add(pool.submit(() -> {
                    List<Long> sequences = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        sequences.add(auditLog.record(
                                        "it", AuditAction.DEVICE_ACCESS, subject, AuditOutcome.SUCCESS, "record " + i)
                                .sequence());
                    }
                    return sequences;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (int t = 0; t < threads; t++) {
                List<Long> sequences = work.get(t).get(120, TimeUnit.SECONDS);
                for (int i = 1; i < sequences.size(); i++) {
                    assertTrue(sequences.get(i) > sequences.get(i - 1), "one caller's records stay in its order");
                }
                all.addAll(sequences);
                List<String[]> stored = fixtures.auditRecordsAbout(prefix + "-" + t);
                assertEquals(perThread, stored.size(), "every record of caller " + t + " is stored once");
            }
            assertEquals(threads * perThread, all.size(), "no sequence number is handed out twice");
        } finally {
            pool.shutdownNow();
        }
        auditLog.record("it", AuditAction.DEVICE_ACCESS, prefix + "-refused", AuditOutcome.FAILURE, "refused");
        long[] decisionsAfter = fixtures.deviceDecisionTotals();
        assertEquals(threads * perThread, decisionsAfter[0] - decisionsBefore[0], "allowed decisions counted");
        assertEquals(1, decisionsAfter[1] - decisionsBefore[1], "refused decisions counted");
        List<AuditLog.HourlyAuthorizations> hours = auditLog.authorizationsPerHour();
        assertEquals(24, hours.size());
        assertTrue(
                hours.get(23).allowed() + hours.get(22).allowed() >= threads * perThread,
                "the decisions just recorded are in the last hour (or the one before, at an hour boundary)");

        ChainVerification verification = auditLog.verify();
        assertTrue(verification.intact(), verification.reason());
        assertEquals(
                fixtures.auditRecordCount(),
                auditLog.count(new AuditLog.AuditQuery(null, null, null, null, null, null, 0, 1)),
                "the unfiltered count (from the chain head) is the number of rows");
        assertEquals(
                perThread,
                auditLog.count(new AuditLog.AuditQuery(
                        null, null, "it", AuditAction.DEVICE_ACCESS, AuditOutcome.SUCCESS, prefix + "-0", 0, 1)),
                "a filtered count counts the matching rows");
    }

    @Test
    void chainVerifiesAndAnAlteredRowIsTheFirstBrokenLink() throws Exception {
        String subject = "it-tamper-" + UUID.randomUUID().toString().substring(0, 8);
        auditLog.success(AuditAction.DEVICE_REGISTERED, subject, "original detail");
        auditLog.failure(AuditAction.DEVICE_STATUS_CHANGED, subject, "second record");
        ChainVerification intact = auditLog.verify();
        assertTrue(intact.intact(), intact.reason());

        String[] first = fixtures.auditRecordsAbout(subject).get(0);
        long sequence = Long.parseLong(first[0]);
        fixtures.setAuditDetail(sequence, "altered detail");
        try {
            ChainVerification broken = auditLog.verify();
            assertFalse(broken.intact());
            assertEquals(sequence, broken.firstBrokenSequence(), broken.reason());
        } finally {
            fixtures.setAuditDetail(sequence, first[3]);
        }
        assertTrue(auditLog.verify().intact(), "restoring the row restores the chain");
    }
}
