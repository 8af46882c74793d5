package org.devicetrust.web.admin;

import java.util.List;

public record DeviceListResponse(long total, int first, List<DeviceResponse> devices) {
}
