package org.devicetrust.device.entity;

/**
 * Why a device request was allowed or refused. Each refusal has a stable problem type; the first group fails
 * authentication (the certificate itself is not acceptable, 401), the second fails authorization (a good
 * certificate, but the device may not do this now, 403).
 */
public enum AccessReason {
    ALLOWED("allowed", 200),
    NO_CERTIFICATE("no-client-certificate", 401),
    UNKNOWN_CA("certificate-unknown-ca", 401),
    EXPIRED("certificate-expired", 401),
    NOT_YET_VALID("certificate-not-yet-valid", 401),
    NOT_FOR_CLIENT_AUTH("certificate-not-for-client-auth", 401),
    IDENTITY_INVALID("certificate-identity-invalid", 401),
    UNKNOWN_CERTIFICATE("certificate-unknown", 401),
    REVOKED("certificate-revoked", 401),
    UNKNOWN_DEVICE("device-not-registered", 403),
    SUSPENDED("device-suspended", 403),
    DECOMMISSIONED("device-decommissioned", 403),
    WRONG_DEVICE("device-mismatch", 403),
    /** The authorization view cannot prove it is fresh: neither an allow nor a refusal on the merits. */
    UNAVAILABLE("authorization-unavailable", 503);

    private final String problemType;
    private final int httpStatus;

    AccessReason(String problemType, int httpStatus) {
        this.problemType = problemType;
        this.httpStatus = httpStatus;
    }

    public String problemType() {
        return problemType;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean allowed() {
        return this == ALLOWED;
    }
}
