package org.devicetrust.device.control;

import java.util.Optional;
import java.util.concurrent.locks.StampedLock;
import org.devicetrust.device.entity.DeviceStatus;

/**
 * The status of every registered device, keyed by its id, in parallel arrays (the id strings, one state byte
 * and the sequence number of the change that set it): open addressing with linear probing, one writer at a
 * time, readers without a lock on the fast path (optimistic {@link StampedLock} reads). Ids are compared whole,
 * never by hash alone, so two devices can never share a status. A change older than the one a device already
 * shows is ignored, so the same change arriving twice (applied at once on this node, then read back from the
 * change feed) can never step a device back to an earlier status.
 */
public final class DeviceStates {

    private static final byte EMPTY = 0;
    /** A device that is no longer registered: its slot stays (probe chains and order), it reads as absent. */
    private static final byte GONE = -1;

    private static final DeviceStatus[] STATUSES = DeviceStatus.values();

    private final StampedLock lock = new StampedLock();
    private String[] ids;
    private byte[] states;
    private long[] sequences;
    private int used;

    public DeviceStates() {
        this(1);
    }

    public DeviceStates(int expected) {
        allocate(IssuedSerials.capacityFor(expected));
    }

    /** The device's status, or empty when no device with that id is registered. */
    public Optional<DeviceStatus> status(String id) {
        if (id == null) {
            return Optional.empty();
        }
        int hash = spread(id.hashCode());
        long stamp = lock.tryOptimisticRead();
        byte found = find(id, hash);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                found = find(id, hash);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return found > 0 ? Optional.of(STATUSES[found - 1]) : Optional.empty();
    }

    /** Sets a device's status regardless of order (a snapshot, or a test). {@code null} marks it unregistered. */
    public boolean put(String id, DeviceStatus status) {
        return put(id, status, 0);
    }

    /**
     * Sets a device's status as change {@code sequence} says, unless the device already shows a later change.
     * {@code null} marks it unregistered. Sequence 0 is "unordered": it never overrides a numbered change.
     *
     * @return whether the status was applied
     */
    public boolean put(String id, DeviceStatus status, long sequence) {
        if (id == null) {
            throw new IllegalArgumentException("device id");
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence >= 0");
        }
        byte state = status == null ? GONE : (byte) (status.ordinal() + 1);
        int hash = spread(id.hashCode());
        long stamp = lock.writeLock();
        try {
            if ((used + 1) * 3L > states.length * 2L) {
                resize(states.length * 2);
            }
            int mask = states.length - 1;
            int slot = hash & mask;
            while (states[slot] != EMPTY) {
                if (ids[slot].equals(id)) {
                    if (sequence != 0 && sequence <= sequences[slot] || sequence == 0 && sequences[slot] != 0) {
                        return false;
                    }
                    states[slot] = state;
                    sequences[slot] = sequence;
                    return true;
                }
                slot = (slot + 1) & mask;
            }
            ids[slot] = id;
            states[slot] = state;
            sequences[slot] = sequence;
            used++;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Registered devices (unregistered ones excluded). */
    public int size() {
        long stamp = lock.readLock();
        try {
            int count = 0;
            for (byte state : states) {
                if (state > 0) {
                    count++;
                }
            }
            return count;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The arrays' bytes plus the id strings' (compact Latin-1 strings: 24-byte header + 16-byte array header). */
    public long footprintBytes() {
        long stamp = lock.readLock();
        try {
            long bytes = (long) states.length * (1 + 4 + 8) + 48;
            for (String id : ids) {
                if (id != null) {
                    bytes += 24 + 16 + ((id.length() + 7) & ~7);
                }
            }
            return bytes;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private byte find(String id, int hash) {
        String[] keys = ids;
        byte[] s = states;
        int length = Math.min(keys.length, s.length);
        if (length == 0 || (length & (length - 1)) != 0) {
            return EMPTY;
        }
        int mask = length - 1;
        int slot = hash & mask;
        for (int probes = 0; probes < length; probes++) {
            byte state = s[slot];
            if (state == EMPTY) {
                return EMPTY;
            }
            String key = keys[slot];
            if (key != null && key.equals(id)) {
                return state;
            }
            slot = (slot + 1) & mask;
        }
        return EMPTY;
    }

    private void resize(int capacity) {
        String[] oldIds = ids;
        byte[] oldStates = states;
        long[] oldSequences = sequences;
        allocate(capacity);
        used = 0;
        for (int i = 0; i < oldStates.length; i++) {
            // unregistered devices keep their slot too: their sequence still orders a late re-registration
            if (oldStates[i] != EMPTY) {
                int slot = spread(oldIds[i].hashCode()) & (capacity - 1);
                while (states[slot] != EMPTY) {
                    slot = (slot + 1) & (capacity - 1);
                }
                ids[slot] = oldIds[i];
                states[slot] = oldStates[i];
                sequences[slot] = oldSequences[i];
                used++;
            }
        }
    }

    private void allocate(int capacity) {
        ids = new String[capacity];
        states = new byte[capacity];
        sequences = new long[capacity];
    }

    private static int spread(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }
}
