package org.devicetrust.platform.boundary;

/**
 * A refusal a client can act on. {@link #problem()} is its entry in the {@link ProblemType} catalogue: a stable
 * machine-readable {@link #type()} (it becomes the problem details {@code type} URI) and the {@link #kind()} that
 * says which HTTP family it belongs to without tying EJBs to HTTP. The message says what a person can do.
 * Subclasses are application exceptions, so the transaction that threw them is rolled back.
 */
public abstract class DeviceTrustException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The family of a problem; the web layer maps each kind to exactly one HTTP status. */
    public enum Kind {
        INVALID,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        NOT_ACCEPTABLE,
        CONFLICT,
        GONE,
        PRECONDITION_FAILED,
        TOO_LARGE,
        RANGE_NOT_SATISFIABLE,
        UNSUPPORTED_MEDIA,
        INTERNAL,
        UNAVAILABLE
    }

    private final ProblemType problem;

    protected DeviceTrustException(ProblemType problem, String message) {
        super(message);
        this.problem = problem;
    }

    /**
     * For code that names its problem by type string: the string must be in the catalogue (a unit test scans
     * the sources for it); the catalogue, not {@code kind}, decides the kind.
     *
     * @throws IllegalArgumentException when {@code type} is not in the catalogue
     */
    protected DeviceTrustException(String type, Kind kind, String message) {
        this(ProblemType.resolve(type, kind), message);
    }

    public ProblemType problem() {
        return problem;
    }

    public String type() {
        return problem.type();
    }

    public Kind kind() {
        return problem.kind();
    }
}
