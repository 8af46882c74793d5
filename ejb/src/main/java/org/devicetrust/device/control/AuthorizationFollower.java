package org.devicetrust.device.control;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.entity.RevocationReason;

/**
 * Keeps an {@link AuthorizationView} level with the database: one initial load, then a poll of the change feed
 * every few hundred milliseconds. A poll that reads the whole feed confirms the view as of the moment the poll
 * began; a poll that fails (database down, query timed out) confirms nothing, so the view runs out of
 * freshness after its bound and refuses to answer until a poll succeeds again. Changes committed on this node
 * are applied at once through {@link #applyCommitted}, before the call that made them returns.
 *
 * <p>Load and poll run on one thread at a time; {@link #applyCommitted} may be called from any thread and
 * never waits for a poll (a poll can take as long as the database lets it).
 */
public final class AuthorizationFollower {

    /** What a change-feed row says. */
    public enum Kind {
        CERTIFICATE_ISSUED,
        CERTIFICATE_REVOKED,
        DEVICE_STATUS
    }

    /**
     * One row of the change feed: {@code serial} for certificate changes, {@code deviceId} and {@code status}
     * ({@code null}: unregistered) for device changes.
     */
    public record Change(
            long sequence,
            Kind kind,
            BigInteger serial,
            Instant revokedAt,
            RevocationReason reason,
            String deviceId,
            DeviceStatus status) {

        public static Change issued(long sequence, BigInteger serial) {
            return new Change(sequence, Kind.CERTIFICATE_ISSUED, serial, null, null, null, null);
        }

        public static Change revoked(long sequence, BigInteger serial, Instant at, RevocationReason reason) {
            return new Change(sequence, Kind.CERTIFICATE_REVOKED, serial, at, reason, null, null);
        }

        public static Change device(long sequence, String deviceId, DeviceStatus status) {
            return new Change(sequence, Kind.DEVICE_STATUS, null, null, null, deviceId, status);
        }
    }

    /** The database side: the feed and the tables it describes. */
    public interface Feed {

        /**
         * The highest sequence number among feed rows recorded before {@code before}, or 0: every number up to it
         * is committed or abandoned, so the initial load may start reading the feed after it.
         */
        long settledUpTo(Instant before);

        /** Every certificate's and device's current state, into the view (the snapshot of the initial load). */
        void loadAll(AuthorizationView view);

        /** Rows with a sequence number above {@code after}, in ascending order, at most {@code max}. */
        List<Change> after(long after, int max);

        /** The rows with these sequence numbers that exist now. */
        List<Change> among(List<Long> sequences);
    }

    /** What one poll did. */
    public record Poll(boolean confirmed, int applied, int gaps, String failure) {}

    static final int BATCH = 5000;
    static final int MAX_BATCHES = 40;
    static final int MAX_GAP_QUERY = 500;
    static final int MAX_GAP_QUERIES = 4;

    private final AuthorizationView view;
    private final Feed feed;
    private final LongSupplier nanoClock;
    private final Duration abandonAfter;
    private final Queue<Long> committedHere = new ConcurrentLinkedQueue<>();
    private FeedCursor cursor;

    /**
     * @param abandonAfter how long a missing sequence number is waited for: longer than any transaction that
     *                     writes the feed may stay open
     */
    public AuthorizationFollower(AuthorizationView view, Feed feed, LongSupplier nanoClock, Duration abandonAfter) {
        this.view = view;
        this.feed = feed;
        this.nanoClock = nanoClock;
        this.abandonAfter = abandonAfter;
    }

    /**
     * The initial load: the snapshot of every table, then the feed from a point where it is settled (changes
     * after that point are applied again in order, which leaves every entry as the database has it).
     *
     * @param now the wall-clock time, to find the settled point of the feed
     */
    public synchronized Poll load(Instant now) {
        long started = nanoClock.getAsLong();
        long settled = feed.settledUpTo(now.minus(abandonAfter));
        feed.loadAll(view);
        cursor = new FeedCursor(settled, abandonAfter, 100_000);
        Poll first = read(started);
        if (first.confirmed()) {
            view.loaded(started);
        }
        return first;
    }

    /** One poll of the change feed. Throws nothing: a failure is reported in the result. */
    public synchronized Poll poll() {
        if (cursor == null) {
            throw new IllegalStateException("load first");
        }
        return read(nanoClock.getAsLong());
    }

    /**
     * A change this node just committed: applied to the view now, and remembered so that reading it back from
     * the feed does not apply it again.
     */
    public void applyCommitted(Change change) {
        apply(change);
        committedHere.add(change.sequence());
    }

    public boolean loaded() {
        return cursor != null && view.fresh();
    }

    /** Sequence numbers waited for now. */
    public synchronized int openGaps() {
        return cursor == null ? 0 : cursor.gapCount();
    }

    private Poll read(long started) {
        try {
            int applied = 0;
            boolean caughtUp = false;
            for (int batch = 0; batch < MAX_BATCHES && !caughtUp; batch++) {
                List<Change> rows = feed.after(cursor.highest(), BATCH);
                applied += applyNew(rows, started);
                caughtUp = rows.size() < BATCH;
            }
            // every open gap must be asked for: one of them may have committed since the last poll
            boolean allGapsAsked = cursor.gapCount() <= MAX_GAP_QUERY * MAX_GAP_QUERIES;
            List<Long> gaps = cursor.openGaps(MAX_GAP_QUERY * MAX_GAP_QUERIES);
            for (int from = 0; from < gaps.size(); from += MAX_GAP_QUERY) {
                applied +=
                        applyNew(feed.among(gaps.subList(from, Math.min(gaps.size(), from + MAX_GAP_QUERY))), started);
            }
            cursor.expire(started);
            boolean confirmed = caughtUp && allGapsAsked;
            if (confirmed) {
                view.confirm(started);
            }
            return new Poll(
                    confirmed,
                    applied,
                    cursor.gapCount(),
                    confirmed ? null : caughtUp ? "more open gaps than one poll asks for" : "behind the feed");
        } catch (RuntimeException e) {
            return new Poll(false, 0, cursor.gapCount(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private int applyNew(List<Change> rows, long now) {
        Long local;
        while ((local = committedHere.poll()) != null) {
            cursor.accept(local, now);
        }
        int applied = 0;
        for (Change change : rows) {
            if (cursor.accept(change.sequence(), now)) {
                apply(change);
                applied++;
            }
        }
        return applied;
    }

    private void apply(Change change) {
        switch (change.kind()) {
            case CERTIFICATE_ISSUED -> view.certificateIssued(change.serial());
            case CERTIFICATE_REVOKED -> view.certificateRevoked(change.serial(), change.revokedAt(), change.reason());
            case DEVICE_STATUS -> view.deviceStatus(change.deviceId(), change.status(), change.sequence());
        }
    }
}
