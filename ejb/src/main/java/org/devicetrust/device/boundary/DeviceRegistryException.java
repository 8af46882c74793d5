package org.devicetrust.device.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;

@ApplicationException(rollback = true)
public class DeviceRegistryException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public DeviceRegistryException(String type, Kind kind, String message) {
        super(type, kind, message);
    }

    static DeviceRegistryException unknown(String id) {
        return new DeviceRegistryException("device-unknown", Kind.NOT_FOUND, "no device with id '" + id + "'");
    }
}
