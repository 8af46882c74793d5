package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
