package org.devicetrust.enrollment.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;

/**
 * A refused enrollment or re-enrollment. Application exceptions that roll back: a refused request never consumes
 * a token, never leaves a certificate behind and never revokes the current one.
 */
@ApplicationException(rollback = true, inherited = true)
public class EnrollmentException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public EnrollmentException(String type, Kind kind, String message) {
        super(type, kind, message);
    }

    /** Device id and token do not match an unconsumed, unexpired token. Says nothing about which part failed. */
    public static class Unauthenticated extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public Unauthenticated() {
            super("enrollment-unauthenticated", Kind.UNAUTHORIZED,
                    "EST enrollment needs HTTP Basic credentials: the device id and its unused, unexpired "
                            + "enrollment token");
        }

        public Unauthenticated(String message) {
            super("enrollment-unauthenticated", Kind.UNAUTHORIZED, message);
        }
    }

    /** The CSR asks for another identity than the authenticated one. */
    public static class SubjectMismatch extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public SubjectMismatch(String message) {
            super("csr-subject-mismatch", Kind.FORBIDDEN, message);
        }
    }

    /** The certificate presented for re-enrollment is not one this CA issued to the caller, or it is revoked. */
    public static class CertificateRefused extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public CertificateRefused(String type, String message) {
            super(type, Kind.FORBIDDEN, message);
        }
    }

    /** Re-enrollment before the renewal window opens. */
    public static class RenewalNotDue extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public RenewalNotDue(String message) {
            super("renewal-not-due", Kind.CONFLICT, message);
        }
    }

    /** The request itself is unusable (content type, encoding); raised by the web layer's checks. */
    public static class InvalidRequest extends EnrollmentException {
        private static final long serialVersionUID = 1L;

        public InvalidRequest(String type, Kind kind, String message) {
            super(type, kind, message);
        }
    }
}
