package org.devicetrust.web.device;

import java.time.Instant;
import org.devicetrust.device.entity.Device;

/** A device's own record as the device API shows it to that device. */
public record DeviceRecordResponse(String id, String name, String status, Instant createdAt, Instant updatedAt) {

    static DeviceRecordResponse of(Device d) {
        return new DeviceRecordResponse(d.id().value(), d.name(), d.status().name(), d.createdAt(), d.updatedAt());
    }
}
