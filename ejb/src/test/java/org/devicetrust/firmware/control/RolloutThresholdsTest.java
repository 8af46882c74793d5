package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.devicetrust.firmware.control.RolloutThresholds.ErrorThreshold;
import org.junit.jupiter.api.Test;

class RolloutThresholdsTest {

    @Test
    void pausesAtTheErrorPercentOnlyOnceEnoughHaveFinished() {
        ErrorThreshold t = new ErrorThreshold(50, 2, 0);
        assertFalse(RolloutThresholds.crossed(t, 1, 1), "one failure of one is below the minimum executed");
        assertTrue(RolloutThresholds.crossed(t, 1, 2), "1 of 2 is 50 %");
        assertFalse(RolloutThresholds.crossed(t, 1, 3));
        assertTrue(RolloutThresholds.crossed(t, 2, 3));
    }

    @Test
    void pausesAtTheAbsoluteMaximumWhateverThePercent() {
        ErrorThreshold t = new ErrorThreshold(100, 1000, 3);
        assertFalse(RolloutThresholds.crossed(t, 2, 500));
        assertTrue(RolloutThresholds.crossed(t, 3, 500));
        assertFalse(RolloutThresholds.crossed(new ErrorThreshold(100, 1000, 0), 999, 999), "0 means no maximum");
    }

    @Test
    void percentIsComparedWithoutRounding() {
        ErrorThreshold t = new ErrorThreshold(34, 1, 0);
        assertFalse(RolloutThresholds.crossed(t, 1, 3), "33.3 % is below 34 %");
        assertTrue(RolloutThresholds.crossed(new ErrorThreshold(33, 1, 0), 1, 3));
    }

    @Test
    void aGroupSucceedsAtItsSuccessPercent() {
        assertFalse(RolloutThresholds.groupSucceeded(80, 7, 10));
        assertTrue(RolloutThresholds.groupSucceeded(80, 8, 10));
        assertFalse(RolloutThresholds.groupSucceeded(100, 0, 0), "an empty group is not a success by itself");
    }

    @Test
    void groupsCoverEveryDeviceOnce() {
        assertEquals(List.of(2, 6, 12), RolloutThresholds.groupSizes(20, List.of(10, 30, 60)));
        assertEquals(List.of(0, 1, 2), RolloutThresholds.groupSizes(3, List.of(10, 30, 60)));
        assertEquals(List.of(33, 33, 34), RolloutThresholds.groupSizes(100, List.of(33, 33, 34)));
        assertEquals(List.of(7), RolloutThresholds.groupSizes(7, List.of(100)));
    }

    @Test
    void groupsByCountTakeTheirSizesAndTheRestFormsTheLastGroup() {
        assertEquals(List.of(10, 100, 890), RolloutThresholds.groupSizesByCount(1000, List.of(10, 100)));
        assertEquals(List.of(2, 3), RolloutThresholds.groupSizesByCount(5, List.of(2, 3)), "nothing left over");
        assertEquals(List.of(1, 4), RolloutThresholds.groupSizesByCount(5, List.of(1)));
        assertThrows(IllegalArgumentException.class, () -> RolloutThresholds.groupSizesByCount(5, List.of(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> RolloutThresholds.groupSizesByCount(5, List.of(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> RolloutThresholds.groupSizesByCount(5, List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> RolloutThresholds.groupSizesByCount(
                        Integer.MAX_VALUE, List.of(Integer.MAX_VALUE, Integer.MAX_VALUE)),
                "a sum past 32 bits is refused, not wrapped");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ErrorThreshold(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ErrorThreshold(101, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ErrorThreshold(10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> RolloutThresholds.groupSizes(10, List.of(50, 40)));
        assertThrows(IllegalArgumentException.class, () -> RolloutThresholds.groupSizes(0, List.of(100)));
        assertThrows(
                IllegalArgumentException.class, () -> RolloutThresholds.crossed(new ErrorThreshold(10, 1, 0), 3, 2));
    }
}
