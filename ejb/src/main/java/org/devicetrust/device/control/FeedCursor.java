package org.devicetrust.device.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a reader of a change feed stands when the feed's sequence numbers become visible out of order. A
 * database sequence hands out numbers when rows are written, but transactions commit in their own order: row
 * 11 can be visible while row 10 is still uncommitted. Reading "after the highest seen" alone would skip row
 * 10 forever. So every number skipped over is kept as a gap and asked for again until it turns up or is old
 * enough that its transaction must have rolled back (a rolled-back insert leaves a gap that never fills).
 *
 * <p>Not thread-safe: one poller owns it.
 */
public final class FeedCursor {

    private final long abandonAfterNanos;
    private final int maxGaps;
    private final TreeMap<Long, Long> gaps = new TreeMap<>();
    private long highest;
    private long abandoned;

    /**
     * @param start        the highest sequence number already reflected (0 for an empty feed)
     * @param abandonAfter how long a gap is asked for before it counts as rolled back; longer than any
     *                     transaction may run
     * @param maxGaps      the most gaps kept; beyond that the oldest are abandoned first
     */
    public FeedCursor(long start, Duration abandonAfter, int maxGaps) {
        if (start < 0 || maxGaps < 1 || abandonAfter.isNegative()) {
            throw new IllegalArgumentException("start >= 0, maxGaps >= 1, abandonAfter >= 0");
        }
        this.highest = start;
        this.abandonAfterNanos = abandonAfter.toNanos();
        this.maxGaps = maxGaps;
    }

    /** Read rows with a sequence number above this one. */
    public long highest() {
        return highest;
    }

    /** Sequence numbers skipped over and not seen yet, oldest first, at most {@code max}: ask for these too. */
    public List<Long> openGaps(int max) {
        List<Long> open = new ArrayList<>(Math.min(max, gaps.size()));
        for (Long seq : gaps.keySet()) {
            if (open.size() == max) {
                break;
            }
            open.add(seq);
        }
        return open;
    }

    public int gapCount() {
        return gaps.size();
    }

    /** Gaps given up on since the start (rolled-back transactions, or more gaps than {@code maxGaps}). */
    public long abandonedCount() {
        return abandoned;
    }

    /**
     * Takes note of a row seen in the feed.
     *
     * @return true when the row is new and must be applied; false when it was applied before
     */
    public boolean accept(long seq, long nowNanos) {
        if (seq > highest) {
            long firstMissing = Math.max(highest + 1, seq - maxGaps);
            abandoned += firstMissing - (highest + 1);
            for (long missing = firstMissing; missing < seq; missing++) {
                gaps.put(missing, nowNanos);
            }
            highest = seq;
            trim();
            return true;
        }
        return gaps.remove(seq) != null;
    }

    /** Gives up on gaps older than the abandon period. */
    public void expire(long nowNanos) {
        Iterator<Map.Entry<Long, Long>> it = gaps.entrySet().iterator();
        while (it.hasNext()) {
            if (nowNanos - it.next().getValue() >= abandonAfterNanos) {
                it.remove();
                abandoned++;
            }
        }
    }

    private void trim() {
        while (gaps.size() > maxGaps) {
            gaps.pollFirstEntry();
            abandoned++;
        }
    }
}
