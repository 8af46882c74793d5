package org.devicetrust.enrollment.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a device may re-enroll with its current certificate: from {@code window} before its notAfter until
 * {@code grace} after it. Earlier is refused (nothing to renew yet), later is refused (the device needs a new
 * enrollment token).
 */
public record RenewalPolicy(Duration window, Duration grace) {

    public enum Decision {
        DUE, NOT_YET_DUE, EXPIRED, NOT_YET_VALID
    }

    public RenewalPolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(grace, "grace");
        if (window.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("renewal window and grace period cannot be negative");
        }
    }

    public Decision decide(Instant notBefore, Instant notAfter, Instant now) {
        if (now.isBefore(notBefore)) {
            return Decision.NOT_YET_VALID;
        }
        if (now.isAfter(notAfter.plus(grace))) {
            return Decision.EXPIRED;
        }
        if (now.isBefore(notAfter.minus(window))) {
            return Decision.NOT_YET_DUE;
        }
        return Decision.DUE;
    }

    /** The first instant at which {@link #decide} says {@code DUE}. */
    public Instant opensAt(Instant notAfter) {
        return notAfter.minus(window);
    }
}
