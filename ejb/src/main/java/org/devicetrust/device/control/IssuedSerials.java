package org.devicetrust.device.control;

import java.math.BigInteger;
import java.util.concurrent.locks.StampedLock;

/**
 * The serial numbers of every certificate the Device CA issued, each with one state byte (good or revoked), in
 * primitive arrays: three {@code long}s side by side (one cache line holds a serial) and one byte per slot, no
 * object per certificate, so a million certificates fit in about 50 MB. Open addressing with linear probing; the low 64 bits of a serial are random
 * (serials carry 159 random bits), so they are the hash.
 *
 * <p>One writer at a time (writes take the write lock); readers take no lock on the fast path (optimistic
 * {@link StampedLock} reads, retried under the read lock if a write intervened). Serials are positive and at
 * most 160 bits long, as RFC 5280 allows; anything else is never present.
 */
public final class IssuedSerials {

    /** State bytes. 0 marks an empty slot. */
    public static final byte ABSENT = 0;

    public static final byte GOOD = 1;
    public static final byte REVOKED = 2;

    private static final int MIN_CAPACITY = 1 << 10;
    private static final int MAX_BITS = 160;

    private final StampedLock lock = new StampedLock();
    /** Slot i holds its serial's words at 3i (bits 128-159), 3i+1 (64-127) and 3i+2 (0-63). */
    private long[] keys;

    private byte[] states;
    private int size;

    public IssuedSerials() {
        this(1);
    }

    /** @param expected how many serials to make room for before the first resize */
    public IssuedSerials(int expected) {
        allocate(capacityFor(expected));
    }

    /** The state of a serial: {@link #GOOD}, {@link #REVOKED}, or {@link #ABSENT} for one never issued. */
    public byte state(BigInteger serial) {
        if (!fits(serial)) {
            return ABSENT;
        }
        long[] words = words(serial);
        long h = words[0];
        long m = words[1];
        long l = words[2];
        long stamp = lock.tryOptimisticRead();
        byte found = find(h, m, l);
        if (lock.validate(stamp)) {
            return found;
        }
        stamp = lock.readLock();
        try {
            return find(h, m, l);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Sets the state of a serial, adding it if it is new. A revoked serial never becomes good again: revocation
     * is final in RFC 5280 and in this CA, so a late or repeated "issued" change cannot undo it.
     *
     * @throws IllegalArgumentException for a serial that is not positive or longer than 160 bits
     */
    public void put(BigInteger serial, byte state) {
        if (!fits(serial)) {
            throw new IllegalArgumentException("a serial is positive and at most 160 bits long");
        }
        if (state != GOOD && state != REVOKED) {
            throw new IllegalArgumentException("state must be GOOD or REVOKED");
        }
        long[] words = words(serial);
        long h = words[0];
        long m = words[1];
        long l = words[2];
        long stamp = lock.writeLock();
        try {
            if ((size + 1) * 3L > states.length * 2L) {
                resize(states.length * 2);
            }
            int slot = slotOf(h, m, l, states.length);
            while (states[slot] != ABSENT) {
                if (keys[3 * slot] == h && keys[3 * slot + 1] == m && keys[3 * slot + 2] == l) {
                    if (states[slot] != REVOKED) {
                        states[slot] = state;
                    }
                    return;
                }
                slot = (slot + 1) & (states.length - 1);
            }
            keys[3 * slot] = h;
            keys[3 * slot + 1] = m;
            keys[3 * slot + 2] = l;
            states[slot] = state;
            size++;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public int size() {
        long stamp = lock.readLock();
        try {
            return size;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The bytes the arrays take (the structure's own heap, excluding object headers of this instance). */
    public long footprintBytes() {
        long stamp = lock.readLock();
        try {
            return (long) states.length * (3 * Long.BYTES + 1) + 2 * 16L;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private byte find(long h, long m, long l) {
        byte[] s = states;
        long[] k = keys;
        // a racing resize may hand us arrays of different sizes; the validate() that follows discards the answer
        int mask = Math.min(s.length, k.length / 3) - 1;
        if (mask < 0 || ((mask + 1) & mask) != 0) {
            return ABSENT;
        }
        int slot = slotOf(h, m, l, mask + 1);
        for (int probes = 0; probes <= mask; probes++) {
            byte state = s[slot];
            if (state == ABSENT) {
                return ABSENT;
            }
            if (k[3 * slot + 2] == l && k[3 * slot + 1] == m && k[3 * slot] == h) {
                return state;
            }
            slot = (slot + 1) & mask;
        }
        return ABSENT;
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        byte[] oldStates = states;
        allocate(capacity);
        for (int i = 0; i < oldStates.length; i++) {
            if (oldStates[i] != ABSENT) {
                int slot = slotOf(oldKeys[3 * i], oldKeys[3 * i + 1], oldKeys[3 * i + 2], capacity);
                while (states[slot] != ABSENT) {
                    slot = (slot + 1) & (capacity - 1);
                }
                System.arraycopy(oldKeys, 3 * i, keys, 3 * slot, 3);
                states[slot] = oldStates[i];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[3 * capacity];
        states = new byte[capacity];
    }

    /**
     * The power-of-two table size that holds {@code expected} entries at two thirds load or less (both tables
     * of the authorization view grow at that load).
     */
    static int capacityFor(int expected) {
        long wanted = Math.max(MIN_CAPACITY, Math.max(expected, 1) * 3L / 2 + 1);
        int capacity = Integer.highestOneBit((int) Math.min(wanted, 1 << 30));
        return capacity < wanted ? capacity << 1 : capacity;
    }

    private static int slotOf(long h, long m, long l, int capacity) {
        long mixed = l ^ (m * 0x9E3779B97F4A7C15L) ^ (h * 0xC2B2AE3D27D4EB4FL);
        mixed ^= mixed >>> 31;
        return (int) mixed & (capacity - 1);
    }

    private static boolean fits(BigInteger serial) {
        return serial != null && serial.signum() > 0 && serial.bitLength() <= MAX_BITS;
    }

    /** The serial's three 64-bit words, most significant first, from its big-endian bytes (one allocation). */
    private static long[] words(BigInteger serial) {
        byte[] bytes = serial.toByteArray(); // at most 21 bytes: 160 bits and a sign byte
        long[] words = new long[3];
        for (int i = 0; i < bytes.length; i++) {
            int fromEnd = bytes.length - 1 - i; // byte position counted from the least significant
            if (fromEnd < 24) {
                words[2 - fromEnd / 8] |= (bytes[i] & 0xFFL) << (8 * (fromEnd % 8));
            }
        }
        return words;
    }
}
