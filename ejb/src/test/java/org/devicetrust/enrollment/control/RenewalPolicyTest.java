package org.devicetrust.enrollment.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.devicetrust.enrollment.control.RenewalPolicy.Decision;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {

    static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant NOT_AFTER = Instant.parse("2027-01-01T00:00:00Z");
    final RenewalPolicy policy = new RenewalPolicy(Duration.ofDays(30), Duration.ofDays(7));

    @Test
    void renewalOpensExactlyTheWindowBeforeExpiry() {
        Instant opens = NOT_AFTER.minus(Duration.ofDays(30));
        assertEquals(opens, policy.opensAt(NOT_AFTER));
        assertEquals(Decision.NOT_YET_DUE, policy.decide(NOT_BEFORE, NOT_AFTER, opens.minusSeconds(1)));
        assertEquals(Decision.DUE, policy.decide(NOT_BEFORE, NOT_AFTER, opens));
        assertEquals(Decision.DUE, policy.decide(NOT_BEFORE, NOT_AFTER, NOT_AFTER));
    }

    @Test
    void theGracePeriodAfterExpiryStillRenewsAndThenNotAnyMore() {
        Instant graceEnds = NOT_AFTER.plus(Duration.ofDays(7));
        assertEquals(Decision.DUE, policy.decide(NOT_BEFORE, NOT_AFTER, graceEnds));
        assertEquals(Decision.EXPIRED, policy.decide(NOT_BEFORE, NOT_AFTER, graceEnds.plusSeconds(1)));
    }

    @Test
    void aCertificateNotValidYetIsNotRenewed() {
        assertEquals(Decision.NOT_YET_VALID, policy.decide(NOT_BEFORE, NOT_AFTER, NOT_BEFORE.minusSeconds(1)));
    }

    @Test
    void withoutGraceAnExpiredCertificateIsExpired() {
        RenewalPolicy strict = new RenewalPolicy(Duration.ofDays(30), Duration.ZERO);
        assertEquals(Decision.EXPIRED, strict.decide(NOT_BEFORE, NOT_AFTER, NOT_AFTER.plusSeconds(1)));
    }

    @Test
    void negativeDurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(Duration.ofDays(-1), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(Duration.ZERO, Duration.ofDays(-1)));
    }
}
