package org.devicetrust.firmware.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecurityVersionsTest {

    @Test
    void theCounterHas64StepsAndNothingAbove() {
        assertTrue(SecurityVersions.inRange(0));
        assertTrue(SecurityVersions.inRange(64));
        assertFalse(SecurityVersions.inRange(65));
        assertFalse(SecurityVersions.inRange(-1));
    }

    @Test
    void aReleaseAboveEveryApprovedOneIsABump() {
        assertTrue(SecurityVersions.isBump(0, -1), "the first release ever approved sets the floor");
        assertTrue(SecurityVersions.isBump(3, 2));
        assertFalse(SecurityVersions.isBump(2, 2));
        assertFalse(SecurityVersions.isBump(1, 2));
    }

    @Test
    void remainingCapacityCountsFromTheHigherOfReleaseAndFleet() {
        assertEquals(64, SecurityVersions.remainingAfter(0, -1));
        assertEquals(61, SecurityVersions.remainingAfter(3, 2));
        assertEquals(62, SecurityVersions.remainingAfter(1, 2));
        assertEquals(0, SecurityVersions.remainingAfter(64, 10));
    }

    @Test
    void aBumpNeedsASecondAdministratorOtherwiseTheUploaderMayApprove() {
        assertFalse(SecurityVersions.mayApprove("alice", "alice", true));
        assertTrue(SecurityVersions.mayApprove("bob", "alice", true));
        assertTrue(SecurityVersions.mayApprove("alice", "alice", false));
    }
}
