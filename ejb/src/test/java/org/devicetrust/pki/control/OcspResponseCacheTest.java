package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The pre-produced response cache never keeps a response read before an eviction. */
class OcspResponseCacheTest {

    private static final BigInteger SERIAL = BigInteger.valueOf(0xabcdef);

    @Test
    void keepsAResponseAndForgetsItOnEviction() {
        OcspResponseCache<String> cache = new OcspResponseCache<>(10);
        assertTrue(cache.put(SERIAL, cache.ticket(), "good"));
        assertEquals("good", cache.get(SERIAL));
        cache.evict(SERIAL);
        assertNull(cache.get(SERIAL));
    }

    @Test
    void aResponseReadBeforeAnEvictionIsRefusedAfterIt() {
        OcspResponseCache<String> cache = new OcspResponseCache<>(10);
        long ticket = cache.ticket(); // the reader starts, reads "good"
        cache.evict(SERIAL); // the revocation commits
        assertFalse(cache.put(SERIAL, ticket, "good"));
        assertNull(cache.get(SERIAL));
        assertTrue(cache.put(SERIAL, cache.ticket(), "revoked"));
        assertEquals("revoked", cache.get(SERIAL));
    }

    @Test
    void aFullCacheTakesNoNewSerialButStillReplaces() {
        OcspResponseCache<String> cache = new OcspResponseCache<>(1);
        assertTrue(cache.put(SERIAL, cache.ticket(), "a"));
        assertFalse(cache.put(BigInteger.TWO, cache.ticket(), "b"));
        assertTrue(cache.put(SERIAL, cache.ticket(), "c"));
        assertEquals(1, cache.size());
        cache.clear();
        assertEquals(0, cache.size());
    }

    /**
     * Readers race a revoker: each reader takes a ticket, "reads the database" (good until the revocation is
     * committed) and puts what it read. Once evict returned, nothing but "revoked" may ever be found.
     */
    @Test
    void underConcurrentRevocationsNoGoodSurvivesTheEviction() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                OcspResponseCache<String> cache = new OcspResponseCache<>(100);
                AtomicBoolean committed = new AtomicBoolean();
                AtomicBoolean evicted = new AtomicBoolean();
                AtomicBoolean goodAfterEviction = new AtomicBoolean();
                CountDownLatch go = new CountDownLatch(1);
                Runnable reader = () -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 500; i++) {
                        boolean evictedBefore = evicted.get();
                        String cached = cache.get(SERIAL);
                        if (evictedBefore && "good".equals(cached)) {
                            goodAfterEviction.set(true);
                        }
                        long ticket = cache.ticket();
                        String read = committed.get() ? "revoked" : "good";
                        cache.put(SERIAL, ticket, read);
                    }
                };
                Future<?>[] readers = {pool.submit(reader), pool.submit(reader), pool.submit(reader)};
                Future<?> revoker = pool.submit(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Thread.onSpinWait();
                    committed.set(true);
                    cache.evict(SERIAL);
                    evicted.set(true);
                });
                go.countDown();
                revoker.get(10, TimeUnit.SECONDS);
                for (Future<?> f : readers) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertFalse(goodAfterEviction.get(), "a good response was found after the eviction, round " + round);
                String last = cache.get(SERIAL);
                assertTrue(last == null || "revoked".equals(last), "left: " + last);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
