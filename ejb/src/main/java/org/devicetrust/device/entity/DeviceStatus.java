package org.devicetrust.device.entity;

/** Lifecycle of a device. Only an ACTIVE device may be issued certificates or call the device API. */
public enum DeviceStatus {
    ACTIVE,
    SUSPENDED,
    DECOMMISSIONED;

    /** DECOMMISSIONED is final: a decommissioned device never comes back. */
    public boolean canChangeTo(DeviceStatus next) {
        return this != DECOMMISSIONED && next != this;
    }
}
