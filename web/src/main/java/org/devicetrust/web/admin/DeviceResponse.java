package org.devicetrust.web.admin;

import java.time.Instant;
import org.devicetrust.device.entity.Device;

public record DeviceResponse(String id, String name, String status, Instant createdAt, Instant updatedAt) {

    public static DeviceResponse of(Device d) {
        return new DeviceResponse(d.id().value(), d.name(), d.status().name(), d.createdAt(), d.updatedAt());
    }
}
