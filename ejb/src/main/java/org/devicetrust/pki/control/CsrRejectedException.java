package org.devicetrust.pki.control;

/** A CSR the CA will not sign. {@link #problem()} says why in a stable, machine-readable way. */
public class CsrRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a CSR was refused; {@link #type()} is the stable problem type the API reports. */
    public enum Problem {
        TOO_LARGE("csr-too-large"),
        MALFORMED("csr-malformed"),
        SIGNATURE_INVALID("csr-signature-invalid"),
        KEY_UNSUPPORTED("key-unsupported");

        private final String type;

        Problem(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    private final Problem problem;

    public CsrRejectedException(Problem problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
