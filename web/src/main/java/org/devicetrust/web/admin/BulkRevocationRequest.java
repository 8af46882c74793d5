package org.devicetrust.web.admin;

import java.util.List;

/**
 * {@code serials}: 1 to 500 serials in hex; {@code reason}: an RFC 5280 reason name or code (default
 * unspecified), the same for all of them.
 */
public record BulkRevocationRequest(List<String> serials, String reason) {
}
