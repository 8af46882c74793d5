package org.devicetrust.web.admin;

public record DeviceStatusRequest(String status, String reason) {
}
