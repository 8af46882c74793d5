package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;
import org.junit.jupiter.api.Test;

class AuthorizationViewTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final AuthorizationView view = new AuthorizationView(Duration.ofSeconds(1), now::get, 16, 16);

    @Test
    void refusesToAnswerBeforeTheFirstLoad() {
        view.certificateIssued(BigInteger.TEN);
        assertThrows(AuthorizationView.Stale.class, () -> view.certificate(BigInteger.TEN));
        assertThrows(AuthorizationView.Stale.class, () -> view.device("pump-1"));
        assertFalse(view.fresh());
        assertTrue(view.age().isEmpty());
    }

    @Test
    void answersFromMemoryWhileConfirmedWithinTheBound() {
        view.certificateIssued(BigInteger.TEN);
        view.certificateRevoked(BigInteger.TWO, Instant.parse("2026-01-02T03:04:05Z"), RevocationReason.KEY_COMPROMISE);
        view.deviceStatus("pump-1", DeviceStatus.ACTIVE);
        view.loaded(now.get());
        assertEquals(RevocationStatus.GOOD, view.certificate(BigInteger.TEN));
        RevocationStatus revoked = view.certificate(BigInteger.TWO);
        assertEquals(RevocationStatus.State.REVOKED, revoked.state());
        assertEquals(RevocationReason.KEY_COMPROMISE, revoked.reason());
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), revoked.revokedAt());
        assertEquals(RevocationStatus.UNKNOWN, view.certificate(BigInteger.valueOf(99)));
        assertEquals(Optional.of(DeviceStatus.ACTIVE), view.device("pump-1"));
        assertTrue(view.device("pump-2").isEmpty());
    }

    @Test
    void failsClosedOnceTheLastConfirmationIsOlderThanTheBoundAndRecovers() {
        view.certificateIssued(BigInteger.TEN);
        view.loaded(now.get());
        now.addAndGet(1000 * MS);
        assertEquals(RevocationStatus.GOOD, view.certificate(BigInteger.TEN), "exactly at the bound still answers");
        now.addAndGet(1);
        assertThrows(AuthorizationView.Stale.class, () -> view.certificate(BigInteger.TEN));
        assertFalse(view.fresh());
        view.confirm(now.get());
        assertTrue(view.fresh());
        assertEquals(RevocationStatus.GOOD, view.certificate(BigInteger.TEN));
    }

    @Test
    void anOlderConfirmationNeverMovesFreshnessBack() {
        view.loaded(now.get());
        long early = now.get();
        now.addAndGet(900 * MS);
        view.confirm(now.get());
        view.confirm(early);
        now.addAndGet(900 * MS);
        assertTrue(view.fresh(), "the later confirmation still counts");
        assertEquals(Duration.ofMillis(900), view.age().orElseThrow());
    }

    @Test
    void aRevocationWinsOverALateIssuedChange() {
        view.loaded(now.get());
        view.certificateRevoked(BigInteger.TEN, Instant.EPOCH, RevocationReason.SUPERSEDED);
        view.certificateIssued(BigInteger.TEN);
        assertEquals(
                RevocationStatus.State.REVOKED, view.certificate(BigInteger.TEN).state());
    }

    @Test
    void measuresWhatItHolds() {
        view.loaded(now.get());
        long empty = view.footprintBytes();
        for (int i = 1; i <= 5000; i++) {
            view.certificateIssued(BigInteger.valueOf(i));
            view.deviceStatus("device-" + i, DeviceStatus.ACTIVE);
        }
        assertEquals(5000, view.certificateCount());
        assertEquals(5000, view.deviceCount());
        assertTrue(view.footprintBytes() > empty + 5000 * (24 + 40), "at least the serial words and id strings");
    }
}
