package org.devicetrust.enrollment.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * A refused enrollment or re-enrollment, named by its entry in the {@link ProblemType} catalogue. Application
 * exceptions that roll back: a refused request never consumes a token, never leaves a certificate behind and
 * never revokes the current one.
 */
@ApplicationException(rollback = true, inherited = true)
public class EnrollmentException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public EnrollmentException(ProblemType problem, String message) {
        super(problem, message);
    }

    /** A refusal named by its catalogue type; the catalogue decides the kind. */
    public EnrollmentException(String type, Kind kind, String message) {
        super(type, kind, message);
    }

    /** Device id and token do not match an unconsumed, unexpired token. Says nothing about which part failed. */
    public static class Unauthenticated extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public Unauthenticated() {
            this("EST enrollment needs HTTP Basic credentials: the device id and its unused, unexpired "
                    + "enrollment token");
        }

        public Unauthenticated(String message) {
            super(ProblemType.ENROLLMENT_UNAUTHENTICATED, message);
        }
    }

    /** The CSR asks for another identity than the authenticated one. */
    public static class SubjectMismatch extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public SubjectMismatch(String message) {
            super(ProblemType.CSR_SUBJECT_MISMATCH, message);
        }
    }

    /**
     * The certificate presented for (re-)enrollment is not one this CA issued to the caller, or it is revoked
     * or out of its validity. The catalogue gives the status: a certificate that is not acceptable as a
     * credential (revoked, unknown, expired) is 401 as on the device API; one that is fine but not the
     * caller's to renew is 403.
     */
    public static class CertificateRefused extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public CertificateRefused(String type, String message) {
            super(type, Kind.FORBIDDEN, message);
        }

        public CertificateRefused(ProblemType problem, String message) {
            super(problem, message);
        }
    }

    /** Re-enrollment before the renewal window opens. */
    public static class RenewalNotDue extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public RenewalNotDue(String message) {
            super(ProblemType.RENEWAL_NOT_DUE, message);
        }
    }

    /** The request itself is unusable (content type, encoding); raised by the web layer's checks. */
    public static class InvalidRequest extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public InvalidRequest(String type, Kind kind, String message) {
            super(type, kind, message);
        }

        public InvalidRequest(ProblemType problem, String message) {
            super(problem, message);
        }
    }
}
