package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.devicetrust.device.control.AuthorizationFollower.Change;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthorizationFollowerTest {

    private static final long MS = 1_000_000L;

    /** A feed in memory: rows become visible when "committed", in any order; it can be made to fail. */
    static final class MemoryFeed implements AuthorizationFollower.Feed {
        final TreeMap<Long, Change> committed = new TreeMap<>();
        final List<BigInteger> certificates = new ArrayList<>();
        final TreeMap<String, DeviceStatus> devices = new TreeMap<>();
        boolean down;
        int queries;

        void commit(Change change) {
            committed.put(change.sequence(), change);
            switch (change.kind()) {
                case CERTIFICATE_ISSUED -> certificates.add(change.serial());
                case DEVICE_STATUS -> devices.put(change.deviceId(), change.status());
                default -> {}
            }
        }

        @Override
        public long settledUpTo(Instant before) {
            check();
            return 0;
        }

        @Override
        public void loadAll(AuthorizationView view) {
            check();
            certificates.forEach(view::certificateIssued);
            devices.forEach(view::deviceStatus);
        }

        @Override
        public List<Change> after(long after, int max) {
            check();
            return committed.tailMap(after, false).values().stream().limit(max).toList();
        }

        @Override
        public List<Change> among(List<Long> sequences) {
            check();
            return sequences.stream().map(committed::get).filter(c -> c != null).toList();
        }

        private void check() {
            queries++;
            if (down) {
                throw new IllegalStateException("connection refused");
            }
        }
    }

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final MemoryFeed feed = new MemoryFeed();
    private final AuthorizationView view = new AuthorizationView(Duration.ofSeconds(1), now::get, 16, 16);
    private final AuthorizationFollower follower =
            new AuthorizationFollower(view, feed, now::get, Duration.ofMinutes(2));

    @BeforeEach
    void fleet() {
        feed.commit(Change.device(1, "pump-1", DeviceStatus.ACTIVE));
        feed.commit(Change.issued(2, BigInteger.valueOf(1001)));
        feed.commit(Change.device(3, "pump-2", DeviceStatus.ACTIVE));
        feed.commit(Change.issued(4, BigInteger.valueOf(1002)));
    }

    @Test
    void answersOnlyAfterTheInitialLoad() {
        assertThrows(AuthorizationView.Stale.class, () -> view.device("pump-1"));
        assertTrue(follower.load(Instant.now()).confirmed());
        assertEquals(Optional.of(DeviceStatus.ACTIVE), view.device("pump-1"));
        assertEquals(RevocationStatus.GOOD, view.certificate(BigInteger.valueOf(1002)));
    }

    @Test
    void aChangeCommittedOnAnotherNodeIsAppliedByTheNextPoll() {
        follower.load(Instant.now());
        feed.commit(Change.revoked(5, BigInteger.valueOf(1001), Instant.EPOCH, RevocationReason.KEY_COMPROMISE));
        feed.commit(Change.device(6, "pump-2", DeviceStatus.SUSPENDED));
        now.addAndGet(200 * MS);
        AuthorizationFollower.Poll poll = follower.poll();
        assertTrue(poll.confirmed());
        assertEquals(2, poll.applied());
        assertEquals(
                RevocationStatus.State.REVOKED,
                view.certificate(BigInteger.valueOf(1001)).state());
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), view.device("pump-2"));
    }

    @Test
    void aRowThatCommitsAfterANewerOneIsNotLost() {
        follower.load(Instant.now());
        // 5 and 6 were numbered in that order, but 6 commits first
        feed.commit(Change.issued(6, BigInteger.valueOf(1003)));
        assertTrue(follower.poll().confirmed());
        assertEquals(1, follower.openGaps());
        feed.commit(Change.revoked(5, BigInteger.valueOf(1002), Instant.EPOCH, RevocationReason.SUPERSEDED));
        AuthorizationFollower.Poll poll = follower.poll();
        assertEquals(1, poll.applied());
        assertEquals(0, follower.openGaps());
        assertEquals(
                RevocationStatus.State.REVOKED,
                view.certificate(BigInteger.valueOf(1002)).state());
    }

    @Test
    void failsClosedWhileTheDatabaseIsDownAndRecoversWithoutARestart() {
        follower.load(Instant.now());
        feed.down = true;
        for (int i = 0; i < 6; i++) {
            now.addAndGet(200 * MS);
            AuthorizationFollower.Poll poll = follower.poll();
            assertFalse(poll.confirmed());
            assertNotNull(poll.failure());
        }
        assertThrows(AuthorizationView.Stale.class, () -> view.device("pump-1"));
        assertThrows(AuthorizationView.Stale.class, () -> view.certificate(BigInteger.valueOf(1001)));
        // a revocation committed during the outage (on a node that could still reach the database)
        feed.commit(Change.revoked(5, BigInteger.valueOf(1001), Instant.EPOCH, RevocationReason.KEY_COMPROMISE));
        feed.down = false;
        assertTrue(follower.poll().confirmed());
        assertEquals(
                RevocationStatus.State.REVOKED,
                view.certificate(BigInteger.valueOf(1001)).state(),
                "the first answer after the outage already knows the revocation");
    }

    @Test
    void aChangeCommittedHereAppliesAtOnceAndIsNotSteppedBackByTheFeed() {
        follower.load(Instant.now());
        Change suspend = Change.device(5, "pump-1", DeviceStatus.SUSPENDED);
        Change resume = Change.device(6, "pump-1", DeviceStatus.ACTIVE);
        Change suspendAgain = Change.device(7, "pump-1", DeviceStatus.SUSPENDED);
        for (Change change : List.of(suspend, resume, suspendAgain)) {
            feed.commit(change);
            follower.applyCommitted(change);
        }
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), view.device("pump-1"), "before any poll");
        AuthorizationFollower.Poll poll = follower.poll();
        assertEquals(0, poll.applied(), "the poll knows these were applied");
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), view.device("pump-1"));
    }

    @Test
    void theInitialLoadReplaysTheUnsettledTailInOrder() {
        feed.commit(Change.device(5, "pump-1", DeviceStatus.SUSPENDED));
        feed.commit(Change.device(6, "pump-1", DeviceStatus.ACTIVE));
        feed.commit(
                Change.revoked(7, BigInteger.valueOf(1001), Instant.EPOCH, RevocationReason.CESSATION_OF_OPERATION));
        follower.load(Instant.now());
        assertEquals(Optional.of(DeviceStatus.ACTIVE), view.device("pump-1"));
        assertEquals(
                RevocationStatus.State.REVOKED,
                view.certificate(BigInteger.valueOf(1001)).state());
    }

    @Test
    void readsALongFeedInBoundedBatchesAndConfirmsOnlyWhenCaughtUp() {
        follower.load(Instant.now());
        int rows = AuthorizationFollower.BATCH * AuthorizationFollower.MAX_BATCHES + 10;
        for (int i = 0; i < rows; i++) {
            feed.commit(Change.issued(100 + i, BigInteger.valueOf(5000 + i)));
        }
        now.addAndGet(1500 * MS);
        AuthorizationFollower.Poll first = follower.poll();
        assertFalse(first.confirmed(), "one poll reads a bounded number of rows and is still behind");
        assertFalse(view.fresh());
        AuthorizationFollower.Poll second = follower.poll();
        assertTrue(second.confirmed());
        assertEquals(rows, first.applied() + second.applied());
        assertEquals(RevocationStatus.GOOD, view.certificate(BigInteger.valueOf(5000 + rows - 1)));
    }
}
