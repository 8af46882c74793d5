package org.devicetrust.firmware.control;

import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of a staged rollout (hawkBit's group error/success percentages with AWS IoT's minimum number
 * executed): when to pause, when a group has done enough to start the next, and how a fleet is cut into groups.
 * Failed counts every terminal outcome that is not a success (failed, reverted, rejected, timed out).
 */
public final class RolloutThresholds {

    /**
     * Pause when {@code failed/terminal >= errorPercent} once {@code terminal >= minExecuted}, or when
     * {@code failed >= absoluteMax} ({@code 0}: no absolute limit).
     */
    public record ErrorThreshold(int errorPercent, int minExecuted, int absoluteMax) {
        public ErrorThreshold {
            if (errorPercent < 1 || errorPercent > 100) {
                throw new IllegalArgumentException("error percent must be 1..100");
            }
            if (minExecuted < 1) {
                throw new IllegalArgumentException("minimum executed must be at least 1");
            }
            if (absoluteMax < 0) {
                throw new IllegalArgumentException("absolute maximum of failures must be 0 (none) or more");
            }
        }
    }

    private RolloutThresholds() {}

    public static boolean crossed(ErrorThreshold threshold, long failed, long terminal) {
        if (failed < 0 || terminal < failed) {
            throw new IllegalArgumentException("failed must be 0..terminal");
        }
        boolean byPercent =
                terminal >= threshold.minExecuted() && failed * 100 >= (long) threshold.errorPercent() * terminal;
        boolean byCount = threshold.absoluteMax() > 0 && failed >= threshold.absoluteMax();
        return byPercent || byCount;
    }

    /** A group has succeeded once {@code succeeded/size >= successPercent}. */
    public static boolean groupSucceeded(int successPercent, long succeeded, long size) {
        if (successPercent < 1 || successPercent > 100) {
            throw new IllegalArgumentException("success percent must be 1..100");
        }
        return size > 0 && succeeded * 100 >= (long) successPercent * size;
    }

    /**
     * Group sizes for {@code devices} devices cut by {@code percents} (summing to 100): each group ends at its
     * cumulative share rounded down, the last takes the rest, so every device is in exactly one group; a group
     * may be empty when the fleet is small.
     */
    public static List<Integer> groupSizes(int devices, List<Integer> percents) {
        if (devices < 1) {
            throw new IllegalArgumentException("a rollout needs at least one device");
        }
        if (percents.isEmpty() || percents.stream().anyMatch(p -> p == null || p < 1 || p > 100)) {
            throw new IllegalArgumentException("each group is 1..100 percent");
        }
        if (percents.stream().mapToInt(Integer::intValue).sum() != 100) {
            throw new IllegalArgumentException("group percents must sum to 100");
        }
        List<Integer> sizes = new ArrayList<>();
        int cumulative = 0;
        int start = 0;
        for (int i = 0; i < percents.size(); i++) {
            cumulative += percents.get(i);
            int end = i == percents.size() - 1 ? devices : (int) ((long) devices * cumulative / 100);
            sizes.add(end - start);
            start = end;
        }
        return sizes;
    }

    /** The most groups a rollout is cut into. */
    public static final int MAX_GROUPS = 100;

    /**
     * Group sizes by count: the first groups have the sizes given (each at least 1, together at most the
     * devices), and the devices left over, if any, form one last group. {@code [10, 100]} over 1,000 devices is
     * groups of 10, 100 and 890.
     */
    public static List<Integer> groupSizesByCount(int devices, List<Integer> counts) {
        if (devices < 1) {
            throw new IllegalArgumentException("a rollout needs at least one device");
        }
        if (counts.isEmpty() || counts.size() >= MAX_GROUPS || counts.stream().anyMatch(c -> c == null || c < 1)) {
            throw new IllegalArgumentException("1 to " + (MAX_GROUPS - 1) + " group counts, each at least 1");
        }
        long sum = counts.stream().mapToLong(Integer::longValue).sum();
        if (sum > devices) {
            throw new IllegalArgumentException(
                    "group counts add up to " + sum + ", more than the " + devices + " devices of the rollout");
        }
        List<Integer> sizes = new ArrayList<>(counts);
        if (sum < devices) {
            sizes.add((int) (devices - sum));
        }
        return sizes;
    }
}
