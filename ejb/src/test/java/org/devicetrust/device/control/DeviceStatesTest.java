package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.devicetrust.device.entity.DeviceStatus;
import org.junit.jupiter.api.Test;

class DeviceStatesTest {

    @Test
    void keepsEveryDevicesStatusAcrossResizes() {
        DeviceStates states = new DeviceStates(1);
        for (int i = 0; i < 30_000; i++) {
            states.put("sensor-" + i, DeviceStatus.values()[i % 3]);
        }
        assertEquals(30_000, states.size());
        for (int i = 0; i < 30_000; i++) {
            assertEquals(Optional.of(DeviceStatus.values()[i % 3]), states.status("sensor-" + i));
        }
        assertTrue(states.status("sensor-30000").isEmpty());
        assertTrue(states.status(null).isEmpty());
    }

    @Test
    void idsWithTheSameHashCodeKeepTheirOwnStatus() {
        // "Aa" and "BB" share String.hashCode(); so do all strings built from them
        DeviceStates states = new DeviceStates();
        states.put("AaAa-x", DeviceStatus.ACTIVE);
        states.put("BBBB-x", DeviceStatus.SUSPENDED);
        states.put("AaBB-x", DeviceStatus.DECOMMISSIONED);
        assertEquals("AaAa-x".hashCode(), "BBBB-x".hashCode());
        assertEquals(Optional.of(DeviceStatus.ACTIVE), states.status("AaAa-x"));
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), states.status("BBBB-x"));
        assertEquals(Optional.of(DeviceStatus.DECOMMISSIONED), states.status("AaBB-x"));
        assertTrue(states.status("BBAa-x").isEmpty());
    }

    @Test
    void statusChangesReplaceAndUnregisteredDevicesReadAsAbsent() {
        DeviceStates states = new DeviceStates();
        states.put("pump-1", DeviceStatus.ACTIVE);
        states.put("pump-2", DeviceStatus.ACTIVE);
        states.put("pump-1", DeviceStatus.SUSPENDED);
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), states.status("pump-1"));
        states.put("pump-1", null);
        assertTrue(states.status("pump-1").isEmpty());
        assertEquals(Optional.of(DeviceStatus.ACTIVE), states.status("pump-2"));
        assertEquals(1, states.size());
        states.put("pump-1", DeviceStatus.ACTIVE);
        assertEquals(Optional.of(DeviceStatus.ACTIVE), states.status("pump-1"));
    }

    @Test
    void anOlderChangeNeverStepsADeviceBack() {
        DeviceStates states = new DeviceStates();
        assertTrue(states.put("pump-1", DeviceStatus.ACTIVE, 20));
        assertTrue(states.put("pump-1", DeviceStatus.SUSPENDED, 21));
        assertFalse(states.put("pump-1", DeviceStatus.ACTIVE, 20), "change 20 read back from the feed after 21");
        assertFalse(states.put("pump-1", DeviceStatus.ACTIVE, 21), "the same change twice");
        assertFalse(states.put("pump-1", DeviceStatus.ACTIVE), "a snapshot value never overrides a numbered change");
        assertEquals(Optional.of(DeviceStatus.SUSPENDED), states.status("pump-1"));
        assertTrue(states.put("pump-1", null, 30));
        assertFalse(states.put("pump-1", DeviceStatus.ACTIVE, 25), "unregistered later than 25");
        assertTrue(states.status("pump-1").isEmpty());
    }

    @Test
    void anUnregisterSeenBeforeTheRegistrationKeepsTheDeviceAbsent() {
        DeviceStates states = new DeviceStates(1);
        assertTrue(states.put("pump-9", null, 8));
        for (int i = 0; i < 5000; i++) { // resizes keep the order of pump-9
            states.put("filler-" + i, DeviceStatus.ACTIVE, 100 + i);
        }
        assertFalse(states.put("pump-9", DeviceStatus.ACTIVE, 7));
        assertTrue(states.status("pump-9").isEmpty());
    }
}
