package org.devicetrust.platform.boundary;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.devicetrust.platform.boundary.DeviceTrustException.Kind;

/**
 * The one catalogue of problem types DeviceTrust answers with. Each entry has a stable {@link #type()} (the last
 * part of the problem details {@code type} URI), one {@link Kind} (the web layer turns a kind into one HTTP
 * status, so a type has the same status everywhere) and a short {@link #title()}. EJBs name an entry and add a
 * message a person can act on; they never choose an HTTP status. Every entry is documented in
 * {@code docs/problems.md} (a test checks it).
 */
public enum ProblemType {

    // 400: the request itself is unusable
    INVALID_REQUEST("invalid-request", Kind.INVALID, "Invalid request"),
    JSON_INVALID("json-invalid", Kind.INVALID, "Body is not valid JSON for this request"),
    PAGE_INVALID("page-invalid", Kind.INVALID, "Page out of range"),
    DEVICE_ID_INVALID("device-id-invalid", Kind.INVALID, "Invalid device id"),
    DEVICE_NAME_INVALID("device-name-invalid", Kind.INVALID, "Invalid device name"),
    ACCOUNT_INVALID("account-invalid", Kind.INVALID, "Invalid administrator account"),
    BULK_SIZE_INVALID("bulk-size-invalid", Kind.INVALID, "Invalid number of serials"),
    BATCH_SIZE_INVALID("batch-size-invalid", Kind.INVALID, "Invalid number of certificate requests"),
    SERIAL_DUPLICATE("serial-duplicate", Kind.INVALID, "Serial named twice"),
    REASON_UNSUPPORTED("reason-unsupported", Kind.INVALID, "Revocation reason missing or unsupported"),
    CSR_TOO_LARGE("csr-too-large", Kind.INVALID, "CSR too large"),
    CSR_MALFORMED("csr-malformed", Kind.INVALID, "Malformed CSR"),
    CSR_BASE64_MALFORMED("csr-base64-malformed", Kind.INVALID, "CSR body is not base64"),
    CSR_SIGNATURE_INVALID("csr-signature-invalid", Kind.INVALID, "CSR signature invalid"),
    KEY_UNSUPPORTED("key-unsupported", Kind.INVALID, "Key not accepted"),
    TELEMETRY_INVALID("telemetry-invalid", Kind.INVALID, "Invalid telemetry document"),
    FIRMWARE_IMAGE_MALFORMED("firmware-image-malformed", Kind.INVALID, "Malformed firmware image"),
    FIRMWARE_IMAGE_TYPE_UNSUPPORTED(
            "firmware-image-type-unsupported", Kind.INVALID, "Firmware image type cannot be updated over the air"),
    FIRMWARE_KEY_UNTRUSTED("firmware-key-untrusted", Kind.INVALID, "Firmware signed by a key the fleet does not trust"),
    FIRMWARE_KEY_REVOKED("firmware-key-revoked", Kind.INVALID, "Firmware signed by a revoked key slot"),
    FIRMWARE_SIGNATURE_INVALID("firmware-signature-invalid", Kind.INVALID, "Firmware signature invalid"),
    ROLLOUT_INVALID("rollout-invalid", Kind.INVALID, "Invalid rollout"),
    UPDATE_STATUS_INVALID("update-status-invalid", Kind.INVALID, "Invalid update status report"),
    RANGE_INVALID("range-invalid", Kind.INVALID, "Range header missing or not one bounded byte range"),
    SECURITY_VERSION_INVALID("security-version-invalid", Kind.INVALID, "Security version out of range"),

    // 401: the credential is missing or not acceptable
    UNAUTHENTICATED("unauthenticated", Kind.UNAUTHORIZED, "Authentication required"),
    ENROLLMENT_UNAUTHENTICATED("enrollment-unauthenticated", Kind.UNAUTHORIZED, "Enrollment not authenticated"),
    NO_CLIENT_CERTIFICATE("no-client-certificate", Kind.UNAUTHORIZED, "No client certificate"),
    CERTIFICATE_UNKNOWN_CA("certificate-unknown-ca", Kind.UNAUTHORIZED, "Certificate from an unknown CA"),
    CERTIFICATE_EXPIRED("certificate-expired", Kind.UNAUTHORIZED, "Certificate expired"),
    CERTIFICATE_NOT_YET_VALID("certificate-not-yet-valid", Kind.UNAUTHORIZED, "Certificate not yet valid"),
    CERTIFICATE_NOT_FOR_CLIENT_AUTH(
            "certificate-not-for-client-auth", Kind.UNAUTHORIZED, "Certificate not for client authentication"),
    CERTIFICATE_IDENTITY_INVALID(
            "certificate-identity-invalid", Kind.UNAUTHORIZED, "Certificate names no valid device"),
    CERTIFICATE_UNKNOWN("certificate-unknown", Kind.UNAUTHORIZED, "Certificate not issued by this CA"),
    CERTIFICATE_REVOKED("certificate-revoked", Kind.UNAUTHORIZED, "Certificate revoked"),

    // 403: who the caller is is known, but this is not allowed
    FORBIDDEN("forbidden", Kind.FORBIDDEN, "Forbidden"),
    TLS_REQUIRED("tls-required", Kind.FORBIDDEN, "TLS required"),
    DEVICE_NOT_REGISTERED("device-not-registered", Kind.FORBIDDEN, "Device not registered"),
    DEVICE_SUSPENDED("device-suspended", Kind.FORBIDDEN, "Device suspended"),
    DEVICE_DECOMMISSIONED("device-decommissioned", Kind.FORBIDDEN, "Device decommissioned"),
    DEVICE_MISMATCH("device-mismatch", Kind.FORBIDDEN, "Another device's resource"),
    CSR_SUBJECT_MISMATCH("csr-subject-mismatch", Kind.FORBIDDEN, "CSR names another device"),
    CERTIFICATE_MISSING("certificate-missing", Kind.FORBIDDEN, "Current certificate missing"),
    CERTIFICATE_NOT_YOURS("certificate-not-yours", Kind.FORBIDDEN, "Certificate of another device"),
    CERTIFICATE_REFUSED("certificate-refused", Kind.FORBIDDEN, "Certificate cannot be renewed"),
    APPROVAL_BY_UPLOADER("approval-by-uploader", Kind.FORBIDDEN, "A second administrator must approve"),

    // 404: the thing asked for does not exist
    NOT_FOUND("not-found", Kind.NOT_FOUND, "Not found"),
    DEVICE_UNKNOWN("device-unknown", Kind.NOT_FOUND, "Unknown device"),
    SERIAL_UNKNOWN("serial-unknown", Kind.NOT_FOUND, "Unknown serial number"),
    RELEASE_UNKNOWN("release-unknown", Kind.NOT_FOUND, "Unknown firmware release"),
    ROLLOUT_UNKNOWN("rollout-unknown", Kind.NOT_FOUND, "Unknown rollout"),
    UPDATE_UNKNOWN("update-unknown", Kind.NOT_FOUND, "Unknown update"),

    // 405, 406: the method or the wanted representation is not served here
    METHOD_NOT_ALLOWED("method-not-allowed", Kind.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", Kind.NOT_ACCEPTABLE, "Not acceptable"),

    // 409: the request is fine, the current state does not allow it
    DEVICE_EXISTS("device-exists", Kind.CONFLICT, "Device exists already"),
    ACCOUNT_EXISTS("account-exists", Kind.CONFLICT, "Account exists already"),
    STATUS_CHANGE_INVALID("status-change-invalid", Kind.CONFLICT, "Status change not allowed"),
    DEVICE_NOT_ACTIVE("device-not-active", Kind.CONFLICT, "Device not active"),
    ALREADY_REVOKED("already-revoked", Kind.CONFLICT, "Certificate already revoked"),
    RENEWAL_NOT_DUE("renewal-not-due", Kind.CONFLICT, "Renewal not due yet"),
    RELEASE_EXISTS("release-exists", Kind.CONFLICT, "Firmware release exists already"),
    RELEASE_NOT_APPROVED("release-not-approved", Kind.CONFLICT, "Release not approved"),
    ROLLOUT_STATE_INVALID("rollout-state-invalid", Kind.CONFLICT, "Rollout state does not allow this"),
    DEVICE_UPDATE_OPEN("device-update-open", Kind.CONFLICT, "Device has an open update"),
    RELEASE_STATE_INVALID("release-state-invalid", Kind.CONFLICT, "Release state does not allow this"),

    // 410, 412
    UPDATE_GONE("update-gone", Kind.GONE, "Update withdrawn"),
    UPDATE_PRECONDITION_FAILED("update-precondition-failed", Kind.PRECONDITION_FAILED, "Image is not the offered one"),

    // 413, 415, 416
    BODY_TOO_LARGE("body-too-large", Kind.TOO_LARGE, "Request body too large"),
    TELEMETRY_TOO_LARGE("telemetry-too-large", Kind.TOO_LARGE, "Telemetry document too large"),
    FIRMWARE_IMAGE_TOO_LARGE("firmware-image-too-large", Kind.TOO_LARGE, "Firmware image larger than an app slot"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", Kind.UNSUPPORTED_MEDIA, "Unsupported media type"),
    RANGE_NOT_SATISFIABLE("range-not-satisfiable", Kind.RANGE_NOT_SATISFIABLE, "Range outside the image"),

    // 500, 503: the server's side
    SERVER_ERROR("server-error", Kind.INTERNAL, "Internal error"),
    CA_UNAVAILABLE("ca-unavailable", Kind.UNAVAILABLE, "Certificate authority unavailable"),
    AUTHORIZATION_UNAVAILABLE("authorization-unavailable", Kind.UNAVAILABLE, "Device authorization unavailable"),
    DATABASE_UNAVAILABLE("database-unavailable", Kind.UNAVAILABLE, "Database unavailable");

    /** Prefix of the problem details {@code type} member. */
    public static final String URI_PREFIX = "urn:devicetrust:problem:";

    private static final Map<String, ProblemType> BY_TYPE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ProblemType::type, Function.identity()));

    private final String type;
    private final Kind kind;
    private final String title;

    ProblemType(String type, Kind kind, String title) {
        this.type = type;
        this.kind = kind;
        this.title = title;
    }

    public String type() {
        return type;
    }

    /** {@code urn:devicetrust:problem:<type>}. */
    public String uri() {
        return URI_PREFIX + type;
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public static Optional<ProblemType> find(String type) {
        return Optional.ofNullable(type == null ? null : BY_TYPE.get(type));
    }

    /**
     * The entry of a type string.
     *
     * @throws IllegalArgumentException when the catalogue has no such type (a programming error a unit test
     *                                  catches: every type string in the code is in the catalogue)
     */
    public static ProblemType of(String type) {
        return find(type)
                .orElseThrow(() -> new IllegalArgumentException("problem type '" + type + "' is not in the catalogue"));
    }

    /** The entry for a type string that comes with the kind its thrower assumed: the catalogue decides the kind. */
    static ProblemType resolve(String type, Kind assumed) {
        return of(type);
    }
}
