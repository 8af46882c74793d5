package org.devicetrust.pki.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.devicetrust.pki.entity.PublishedCrl;
import org.junit.jupiter.api.Test;

/** When the timer publishes a new CRL, at fixed instants. */
class CrlPublisherTest {

    static final Instant THIS_UPDATE = Instant.parse("2026-12-01T00:00:00Z");
    static final Duration VALIDITY = Duration.ofHours(24);
    final PublishedCrl latest =
            new PublishedCrl("CN=Device CA", 7, THIS_UPDATE, THIS_UPDATE.plus(VALIDITY), 0, new byte[] {0x30, 0x00});

    @Test
    void theFirstCrlIsAlwaysDue() {
        assertTrue(CrlPublisher.isDue(null, VALIDITY, THIS_UPDATE));
    }

    @Test
    void aCrlIsDueOnceHalfItsValidityHasPassed() {
        assertFalse(CrlPublisher.isDue(
                latest, VALIDITY, THIS_UPDATE.plus(Duration.ofHours(12)).minusSeconds(1)));
        assertTrue(CrlPublisher.isDue(latest, VALIDITY, THIS_UPDATE.plus(Duration.ofHours(12))));
    }

    @Test
    void aShorterConfiguredValidityOrAReachedNextUpdateMakesItDueEarlier() {
        assertTrue(CrlPublisher.isDue(latest, Duration.ofHours(2), THIS_UPDATE.plus(Duration.ofHours(1))));
        PublishedCrl shortLived = new PublishedCrl(
                "CN=Device CA", 8, THIS_UPDATE, THIS_UPDATE.plus(Duration.ofHours(1)), 0, new byte[] {0x30, 0x00});
        assertTrue(CrlPublisher.isDue(shortLived, VALIDITY, THIS_UPDATE.plus(Duration.ofHours(1))));
    }
}
