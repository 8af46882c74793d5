package org.devicetrust.platform.boundary;

/**
 * A refusal a client can act on. {@link #type()} is a stable machine-readable name (it becomes the problem
 * details {@code type} URI); {@link #kind()} says which HTTP family it belongs to without tying EJBs to HTTP.
 * Subclasses are application exceptions, so the transaction that threw them is rolled back.
 */
public abstract class DeviceTrustException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        INVALID, NOT_FOUND, CONFLICT, FORBIDDEN, UNAUTHORIZED, TOO_LARGE, UNSUPPORTED_MEDIA, UNAVAILABLE
    }

    private final String type;
    private final Kind kind;

    protected DeviceTrustException(String type, Kind kind, String message) {
        super(message);
        this.type = type;
        this.kind = kind;
    }

    public String type() {
        return type;
    }

    public Kind kind() {
        return kind;
    }
}
