package org.devicetrust.web.admin;

/** {@code reason}: an RFC 5280 reason name (keyCompromise, superseded, ...) or its code; default unspecified. */
public record RevocationRequest(String reason) {
}
