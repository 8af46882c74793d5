package org.devicetrust.firmware.entity;

/** SCHEDULED -> RUNNING -> SUCCEEDED (the next group starts) | FAILED (the rollout pauses). */
public enum GroupState {
    SCHEDULED,
    RUNNING,
    SUCCEEDED,
    FAILED
}
