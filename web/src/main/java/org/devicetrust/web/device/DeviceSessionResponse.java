package org.devicetrust.web.device;

import java.time.Instant;

/** Who the device API thinks the caller is: the device and the certificate it presented. */
public record DeviceSessionResponse(String deviceId, String serial, Instant notAfter, String status) {
}
