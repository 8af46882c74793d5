package org.devicetrust.pki.control;

import java.math.BigInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pre-produced OCSP responses by serial, with the one rule that makes them safe: a response built from a status
 * read is put in only when no eviction happened since the read began. A reader takes a {@link #ticket()} before
 * it reads the database; a revocation calls {@link #evict} after its commit. A put that raced the eviction is
 * refused (the ticket is stale) or removed by it (the put came first), so after {@code evict} returns no
 * response read before the commit can be found.
 *
 * @param <V> the cached response
 */
public final class OcspResponseCache<V> {

    private final ConcurrentHashMap<BigInteger, V> responses = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();
    private final int capacity;

    public OcspResponseCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
    }

    /** Take before reading the status that the response will say. */
    public long ticket() {
        return evictions.get();
    }

    public V get(BigInteger serial) {
        return responses.get(serial);
    }

    /**
     * Keeps {@code response} unless an eviction happened since {@code ticket} or the cache is full (replacing an
     * entry is always allowed). Returns whether it was kept.
     */
    public boolean put(BigInteger serial, long ticket, V response) {
        if (responses.size() >= capacity && !responses.containsKey(serial)) {
            return false;
        }
        boolean[] kept = {false};
        responses.compute(serial, (key, old) -> {
            if (evictions.get() != ticket) {
                return null;
            }
            kept[0] = true;
            return response;
        });
        return kept[0];
    }

    /** Forgets the response of {@code serial}; any put whose read began before this call is refused. */
    public void evict(BigInteger serial) {
        evictions.incrementAndGet();
        responses.remove(serial);
    }

    /** Forgets everything (a new signer). */
    public void clear() {
        evictions.incrementAndGet();
        responses.clear();
    }

    public int size() {
        return responses.size();
    }
}
