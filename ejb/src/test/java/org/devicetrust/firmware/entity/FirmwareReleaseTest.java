package org.devicetrust.firmware.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FirmwareReleaseTest {

    static FirmwareRelease release(int securityVersion) {
        return new FirmwareRelease(
                new byte[304],
                new byte[32],
                new byte[32],
                0,
                new byte[32],
                "APP",
                3,
                securityVersion,
                "b",
                "alice",
                Instant.EPOCH);
    }

    @Test
    void signedReleaseIsApprovedThenRevoked() {
        FirmwareRelease r = release(2);
        assertEquals(ReleaseState.UPLOADED, r.state());
        r.signed();
        r.approve("bob", Instant.EPOCH);
        assertEquals(ReleaseState.APPROVED, r.state());
        assertEquals("bob", r.approvedBy());
        r.revoke("bob", Instant.EPOCH);
        assertEquals(ReleaseState.REVOKED, r.state());
        assertThrows(IllegalStateException.class, () -> r.revoke("bob", Instant.EPOCH));
    }

    @Test
    void anUncheckedOrRevokedReleaseIsNotApproved() {
        FirmwareRelease uploaded = release(2);
        assertThrows(IllegalStateException.class, () -> uploaded.approve("bob", Instant.EPOCH));
        FirmwareRelease revoked = release(2);
        revoked.verified();
        revoked.revoke("bob", Instant.EPOCH);
        assertThrows(IllegalStateException.class, () -> revoked.approve("bob", Instant.EPOCH));
        FirmwareRelease twice = release(2);
        twice.verified();
        assertThrows(IllegalStateException.class, twice::signed);
    }

    @Test
    void invariantsHoldAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> release(65));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FirmwareRelease(
                        new byte[304],
                        new byte[31],
                        new byte[32],
                        0,
                        new byte[32],
                        "APP",
                        3,
                        1,
                        "b",
                        "alice",
                        Instant.EPOCH));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FirmwareRelease(
                        new byte[304],
                        new byte[32],
                        new byte[32],
                        3,
                        new byte[32],
                        "APP",
                        3,
                        1,
                        "b",
                        "alice",
                        Instant.EPOCH));
        assertThrows(
                IllegalArgumentException.class,
                () -> new FirmwareRelease(
                        new byte[304],
                        new byte[32],
                        new byte[32],
                        0,
                        new byte[32],
                        "APP",
                        3,
                        1,
                        "b",
                        " ",
                        Instant.EPOCH));
    }
}
