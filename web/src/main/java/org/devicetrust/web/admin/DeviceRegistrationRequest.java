package org.devicetrust.web.admin;

public record DeviceRegistrationRequest(String id, String name) {
}
