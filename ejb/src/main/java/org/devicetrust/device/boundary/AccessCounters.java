package org.devicetrust.device.boundary;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.devicetrust.device.entity.AccessReason;

/**
 * Counts device access decisions by reason and keeps the most recent decision times, per server instance.
 * Thread-safe without locks on the counting path; the time samples are a fixed-size ring (newest win), so
 * percentiles describe recent traffic and memory stays constant.
 */
public final class AccessCounters {

    public static final int SAMPLES = 8192;

    /** Decision-time percentiles in microseconds over the samples held. */
    public record Percentiles(int samples, double p50Micros, double p99Micros, double maxMicros) {}

    private final Map<AccessReason, LongAdder> counts = new EnumMap<>(AccessReason.class);
    private final Ring authentication = new Ring();
    private final Ring authorization = new Ring();

    public AccessCounters() {
        for (AccessReason reason : AccessReason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    public void count(AccessReason reason) {
        counts.get(reason).increment();
    }

    public void authenticationTook(long nanos) {
        authentication.add(nanos);
    }

    public void authorizationTook(long nanos) {
        authorization.add(nanos);
    }

    /** Every reason with its count, zero included. */
    public Map<AccessReason, Long> counts() {
        Map<AccessReason, Long> copy = new EnumMap<>(AccessReason.class);
        counts.forEach((reason, adder) -> copy.put(reason, adder.sum()));
        return copy;
    }

    public Percentiles authenticationTimes() {
        return authentication.percentiles();
    }

    public Percentiles authorizationTimes() {
        return authorization.percentiles();
    }

    /** Forgets the time samples (counts stay): a benchmark measures its own phase. */
    public void resetTimes() {
        authentication.reset();
        authorization.reset();
    }

    private static final class Ring {
        private final long[] nanos = new long[SAMPLES];
        private long written;

        synchronized void add(long value) {
            nanos[(int) (written++ % SAMPLES)] = value;
        }

        synchronized void reset() {
            written = 0;
        }

        synchronized Percentiles percentiles() {
            int n = (int) Math.min(written, SAMPLES);
            if (n == 0) {
                return new Percentiles(0, 0, 0, 0);
            }
            long[] sorted = java.util.Arrays.copyOf(nanos, n);
            java.util.Arrays.sort(sorted);
            return new Percentiles(
                    n,
                    micros(sorted[(int) Math.min(n - 1, Math.floor(n * 0.50))]),
                    micros(sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)]),
                    micros(sorted[n - 1]));
        }

        private static double micros(long nanos) {
            return Math.round(nanos / 100.0) / 10.0;
        }
    }
}
