package org.devicetrust.pki.entity;

import java.time.Instant;

/**
 * What the database says about one certificate right now. {@code UNKNOWN} means this CA never issued it,
 * which a relying party must treat like a revoked certificate.
 */
public record RevocationStatus(State state, Instant revokedAt, RevocationReason reason) {

    public enum State {
        GOOD,
        REVOKED,
        UNKNOWN
    }

    public static final RevocationStatus GOOD = new RevocationStatus(State.GOOD, null, null);
    public static final RevocationStatus UNKNOWN = new RevocationStatus(State.UNKNOWN, null, null);

    public boolean isGood() {
        return state == State.GOOD;
    }
}
