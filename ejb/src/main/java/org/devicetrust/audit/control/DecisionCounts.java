package org.devicetrust.audit.control;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.devicetrust.audit.entity.DeviceAccessHour;

/**
 * Allowed device decisions counted in memory per hour until they are written with the hourly counts. Adding
 * is lock-free; {@link #drain} hands over what was counted so far and starts again from zero, without losing
 * an increment that races with it.
 */
public final class DecisionCounts {

    private final ConcurrentHashMap<Long, LongAdder> perHour = new ConcurrentHashMap<>();

    public void add(long epochMillis) {
        long hour = Math.floorDiv(epochMillis, DeviceAccessHour.HOUR_MILLIS) * DeviceAccessHour.HOUR_MILLIS;
        perHour.computeIfAbsent(hour, h -> new LongAdder()).increment();
    }

    /** Puts back counts that could not be written. */
    public void addAll(Map<Long, Long> counts) {
        counts.forEach((hour, count) ->
                perHour.computeIfAbsent(hour, h -> new LongAdder()).add(count));
    }

    public boolean isEmpty() {
        return perHour.values().stream().allMatch(adder -> adder.sum() == 0);
    }

    /**
     * Hour start (epoch milliseconds) -> count, for every hour with a count; the taken counts are subtracted.
     * Hours that ended more than two hours before {@code nowMillis} are forgotten once empty (nothing counts
     * into them any more, so no increment can race with their removal).
     */
    public Map<Long, Long> drain(long nowMillis) {
        Map<Long, Long> taken = new TreeMap<>();
        for (Map.Entry<Long, LongAdder> hour : perHour.entrySet()) {
            long count = hour.getValue().sum();
            if (count != 0) {
                hour.getValue().add(-count); // an increment after sum() stays for the next drain
                taken.put(hour.getKey(), count);
            }
        }
        long settled = nowMillis - 3 * DeviceAccessHour.HOUR_MILLIS;
        perHour.entrySet()
                .removeIf(hour -> hour.getKey() < settled && hour.getValue().sum() == 0);
        return taken;
    }
}
