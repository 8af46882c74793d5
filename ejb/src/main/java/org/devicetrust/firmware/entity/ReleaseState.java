package org.devicetrust.firmware.entity;

/**
 * A release's life: UPLOADED (bytes received) -> SIGNED (by the backend's key) | VERIFIED (signed elsewhere, checked
 * against the fleet's key slots) -> APPROVED (may be rolled out) -> REVOKED (never offered again).
 */
public enum ReleaseState {
    UPLOADED,
    SIGNED,
    VERIFIED,
    APPROVED,
    REVOKED
}
