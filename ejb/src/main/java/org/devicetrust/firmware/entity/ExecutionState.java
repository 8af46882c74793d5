package org.devicetrust.firmware.entity;

import java.util.EnumSet;
import java.util.Set;

/**
 * One device's update: QUEUED -> OFFERED -> DOWNLOADING -> DOWNLOADED -> INSTALLING -> SUCCEEDED | REVERTED |
 * FAILED; REJECTED (the device refused the offer, or the server did not offer a release below the device's
 * reported eFuse counter); TIMED_OUT (no terminal report in time); CANCELED (stopped).
 */
public enum ExecutionState {
    QUEUED,
    OFFERED,
    DOWNLOADING,
    DOWNLOADED,
    INSTALLING,
    SUCCEEDED,
    REVERTED,
    FAILED,
    REJECTED,
    TIMED_OUT,
    CANCELED;

    /** Terminal outcomes that count against the error threshold. */
    public static final Set<ExecutionState> FAILURES = EnumSet.of(REVERTED, FAILED, REJECTED, TIMED_OUT);

    public boolean isOpen() {
        return ordinal() <= INSTALLING.ordinal();
    }

    public boolean isFailure() {
        return FAILURES.contains(this);
    }

    /** Counted by the thresholds: success or failure (a canceled execution is neither). */
    public boolean isCounted() {
        return this == SUCCEEDED || isFailure();
    }
}
