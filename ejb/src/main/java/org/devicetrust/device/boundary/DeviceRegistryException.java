package org.devicetrust.device.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;

/** A refusal of the device registry, named by its entry in the {@link ProblemType} catalogue. */
@ApplicationException(rollback = true)
public class DeviceRegistryException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public DeviceRegistryException(ProblemType problem, String message) {
        super(problem, message);
    }

    /** A refusal named by its catalogue type; the catalogue decides the kind. */
    public DeviceRegistryException(String type, Kind kind, String message) {
        super(type, kind, message);
    }

    static DeviceRegistryException unknown(String id) {
        return new DeviceRegistryException(ProblemType.DEVICE_UNKNOWN, "no device with id '" + id + "'");
    }
}
