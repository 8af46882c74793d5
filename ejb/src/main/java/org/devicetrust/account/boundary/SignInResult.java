package org.devicetrust.account.boundary;

import java.time.Instant;
import org.devicetrust.account.entity.Role;

/** Outcome of checking a user name and password. */
public record SignInResult(Outcome outcome, String username, Role role, Instant lockedUntil) {

    public enum Outcome {
        ACCEPTED, REJECTED, LOCKED
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
