package org.devicetrust.audit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionCountsTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void countsPerHourAndDrainsToZero() {
        DecisionCounts counts = new DecisionCounts();
        counts.add(10 * HOUR + 5);
        counts.add(10 * HOUR + HOUR - 1);
        counts.add(11 * HOUR);
        assertEquals(Map.of(10 * HOUR, 2L, 11 * HOUR, 1L), counts.drain(11 * HOUR));
        assertTrue(counts.isEmpty());
        assertEquals(Map.of(), counts.drain(11 * HOUR));
    }

    @Test
    void countsPutBackAfterAFailedWriteAreDrainedNextTime() {
        DecisionCounts counts = new DecisionCounts();
        counts.add(3 * HOUR);
        Map<Long, Long> first = counts.drain(3 * HOUR);
        counts.add(3 * HOUR);
        counts.addAll(first);
        assertEquals(Map.of(3 * HOUR, 2L), counts.drain(3 * HOUR));
    }

    @Test
    void noIncrementIsLostWhileAnotherThreadDrains() throws Exception {
        DecisionCounts counts = new DecisionCounts();
        AtomicLong drained = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        int perThread = 200_000;
        for (int t = 0; t < 3; t++) {
            pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    counts.add(7 * HOUR + i % 1000);
                }
            });
        }
        pool.submit(() -> {
            for (int i = 0; i < 2000; i++) {
                counts.drain(7 * HOUR).values().forEach(drained::addAndGet);
            }
        });
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        counts.drain(7 * HOUR).values().forEach(drained::addAndGet);
        assertEquals(3L * perThread, drained.get());
    }
}
