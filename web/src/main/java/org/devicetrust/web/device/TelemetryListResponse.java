package org.devicetrust.web.device;

import java.util.List;

/** The newest telemetry of a device and how many documents it has stored in all. */
public record TelemetryListResponse(long total, List<TelemetryResponse> newest) {
}
