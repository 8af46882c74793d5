package org.devicetrust.firmware.entity;

/** DRAFT -> RUNNING <-> PAUSED -> STOPPED (queued executions canceled) | FINISHED. */
public enum RolloutState {
    DRAFT,
    RUNNING,
    PAUSED,
    STOPPED,
    FINISHED
}
