package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedCursorTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRowCommittedLateBehindANewerOneIsStillApplied() {
        FeedCursor cursor = new FeedCursor(10, Duration.ofMinutes(5), 1000);
        assertTrue(cursor.accept(13, 0));
        assertEquals(13, cursor.highest());
        assertEquals(List.of(11L, 12L), cursor.openGaps(10));
        assertTrue(cursor.accept(11, SECOND), "row 11 turned up after 13: it must be applied");
        assertFalse(cursor.accept(11, SECOND), "and only once");
        assertEquals(List.of(12L), cursor.openGaps(10));
    }

    @Test
    void rowsAlreadyAppliedAreNotAppliedAgain() {
        FeedCursor cursor = new FeedCursor(0, Duration.ofMinutes(5), 1000);
        assertTrue(cursor.accept(1, 0));
        assertTrue(cursor.accept(2, 0));
        assertFalse(cursor.accept(2, 0));
        assertFalse(cursor.accept(1, 0));
        assertEquals(0, cursor.gapCount());
    }

    @Test
    void aGapThatNeverFillsIsAbandonedAfterThePeriod() {
        FeedCursor cursor = new FeedCursor(0, Duration.ofSeconds(60), 1000);
        cursor.accept(3, 0);
        cursor.expire(59 * SECOND);
        assertEquals(2, cursor.gapCount());
        cursor.expire(60 * SECOND);
        assertEquals(0, cursor.gapCount());
        assertEquals(2, cursor.abandonedCount());
        assertFalse(cursor.accept(1, 61 * SECOND), "an abandoned number is not applied if it shows up after all");
    }

    @Test
    void keepsAtMostTheNewestMaxGaps() {
        FeedCursor cursor = new FeedCursor(0, Duration.ofMinutes(5), 4);
        cursor.accept(100, 0);
        assertEquals(List.of(96L, 97L, 98L, 99L), cursor.openGaps(10));
        assertEquals(95, cursor.abandonedCount());
        cursor.accept(103, 0);
        assertEquals(List.of(98L, 99L, 101L, 102L), cursor.openGaps(10));
        assertEquals(List.of(98L, 99L), cursor.openGaps(2));
    }
}
