package org.devicetrust.web.device;

import jakarta.json.bind.annotation.JsonbTransient;
import java.time.Instant;
import org.devicetrust.device.entity.Telemetry;

/** One stored telemetry document (the body as the compact JSON text that was stored). */
public record TelemetryResponse(long id, String deviceId, Instant receivedAt, String body) {

    static TelemetryResponse of(Telemetry t) {
        return new TelemetryResponse(t.id(), t.deviceId().value(), t.receivedAt(), t.body());
    }

    @JsonbTransient
    public String location() {
        return "telemetry/" + id;
    }
}
