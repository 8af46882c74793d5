package org.devicetrust.web.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedCredentialsTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final VerifiedCredentials credentials = new VerifiedCredentials(clock);

    @Test
    void onlyTheExactCredentialsOfTheSameUserMatch() {
        credentials.remember("ops", "correct horse".toCharArray(), "ops", Set.of("operator"));

        var hit = credentials.lookup("ops", "correct horse".toCharArray()).orElseThrow();
        assertEquals("ops", hit.caller());
        assertEquals(Set.of("operator"), hit.groups());
        assertTrue(credentials.lookup("ops", "correct horsE".toCharArray()).isEmpty());
        assertTrue(credentials.lookup("ops", "correct horse\0".toCharArray()).isEmpty());
        assertTrue(credentials.lookup("ops", "".toCharArray()).isEmpty());
        assertTrue(credentials.lookup("admin", "correct horse".toCharArray()).isEmpty());
    }

    @Test
    void entriesExpireAfterTheTtl() {
        credentials.remember("ops", "pw-123456789012".toCharArray(), "ops", Set.of("operator"));
        clock.now = clock.now.plus(VerifiedCredentials.TTL).minus(Duration.ofMillis(1));
        assertTrue(credentials.lookup("ops", "pw-123456789012".toCharArray()).isPresent());
        clock.now = clock.now.plus(Duration.ofMillis(1));
        assertTrue(credentials.lookup("ops", "pw-123456789012".toCharArray()).isEmpty());
    }

    @Test
    void forgettingAUserDropsItsEntryAtOnce() {
        credentials.remember("ops", "pw-123456789012".toCharArray(), "ops", Set.of("operator"));
        credentials.forget("ops");
        assertTrue(credentials.lookup("ops", "pw-123456789012".toCharArray()).isEmpty());
    }

    @Test
    void aNewVerificationReplacesTheOldOne() {
        credentials.remember("ops", "old-password-123".toCharArray(), "ops", Set.of("operator"));
        credentials.remember("ops", "new-password-456".toCharArray(), "ops", Set.of("admin"));
        assertTrue(credentials.lookup("ops", "old-password-123".toCharArray()).isEmpty());
        assertEquals(Set.of("admin"), credentials.lookup("ops", "new-password-456".toCharArray())
                .orElseThrow().groups());
    }
}
