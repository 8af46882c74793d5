package org.devicetrust.web.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.devicetrust.firmware.boundary.FirmwareException;
import org.junit.jupiter.api.Test;

/** What the rollout and release forms accept before anything reaches a boundary. */
class RolloutFormTest {

    @Test
    void groupsArePercentsSeparatedByCommasOrSpaces() {
        assertEquals(List.of(10, 30, 60), RolloutList.percents("10, 30, 60"));
        assertEquals(List.of(50, 50), RolloutList.percents(" 50 50 "));
        assertEquals(List.of(100), RolloutList.percents("100"));
    }

    @Test
    void badGroupsAreARolloutInvalidRefusal() {
        for (String bad : new String[] {null, "", " , ", "10%, 90", "ten", "99999999999999", "1.5"}) {
            FirmwareException e = assertThrows(FirmwareException.class, () -> RolloutList.percents(bad), bad);
            assertEquals("rollout-invalid", e.type());
        }
        assertThrows(FirmwareException.class, () -> RolloutList.percents("1,".repeat(101)), "at most 100 groups");
    }

    @Test
    void loadAddressesAre32BitDecimalOrHex() {
        assertEquals(0x8020_0000L, FirmwareReleaseList.address("0x80200000"));
        assertEquals(0x8020_0000L, FirmwareReleaseList.address(" 0X80200000 "));
        assertEquals(4096, FirmwareReleaseList.address("4096"));
        for (String bad : new String[] {null, "", "0x", "-1", "0x100000000", "0xzz", "1e3"}) {
            assertThrows(FirmwareException.class, () -> FirmwareReleaseList.address(bad), bad);
        }
    }
}
