package org.devicetrust.pki.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * A refusal of the certificate authority. {@link #problem()} is its entry in the {@link ProblemType} catalogue
 * (the web layer turns it into RFC 9457 problem details); the message says what a person can do about it.
 * Thrown as application exceptions: the transaction rolls back, so nothing is left half done.
 */
@ApplicationException(rollback = true)
public class PkiException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    public PkiException(ProblemType problem, String message) {
        super(problem, message);
    }

    /** A refusal named by its catalogue type (usually of kind INVALID, such as {@code bulk-size-invalid}). */
    public PkiException(String type, String message) {
        this(type, Kind.INVALID, message);
    }

    /** A refusal named by its catalogue type; the catalogue decides the kind. */
    public PkiException(String type, Kind kind, String message) {
        super(type, kind, message);
    }

    /** The CSR is malformed, too large, lacks proof of possession or carries a key the CA does not certify. */
    public static class InvalidCsr extends PkiException {
        private static final long serialVersionUID = 1L;

        public InvalidCsr(String type, String message) {
            super(type, message);
        }

        public InvalidCsr(ProblemType problem, String message) {
            super(problem, message);
        }
    }

    /** No device with this id is registered (or the id is not a valid device id). */
    public static class UnknownDevice extends PkiException {
        private static final long serialVersionUID = 1L;

        public UnknownDevice(String message) {
            super(ProblemType.DEVICE_UNKNOWN, message);
        }
    }

    /** The device exists but is SUSPENDED or DECOMMISSIONED. */
    public static class DeviceNotActive extends PkiException {
        private static final long serialVersionUID = 1L;

        public DeviceNotActive(String message) {
            super(ProblemType.DEVICE_NOT_ACTIVE, message);
        }
    }

    /** This CA issued no certificate with that serial (or the text is not a serial). */
    public static class UnknownSerial extends PkiException {
        private static final long serialVersionUID = 1L;

        public UnknownSerial(String message) {
            super(ProblemType.SERIAL_UNKNOWN, message);
        }
    }

    /** The certificate is revoked already; revocation is final. */
    public static class AlreadyRevoked extends PkiException {
        private static final long serialVersionUID = 1L;

        public AlreadyRevoked(String message) {
            super(ProblemType.ALREADY_REVOKED, message);
        }
    }

    /** The revocation reason is missing or not one a device certificate can be revoked for. */
    public static class UnsupportedReason extends PkiException {
        private static final long serialVersionUID = 1L;

        public UnsupportedReason(String message) {
            super(ProblemType.REASON_UNSUPPORTED, message);
        }
    }

    /** The CA keys could not be loaded at start-up (wrong password, corrupted key store). */
    public static class CaUnavailable extends PkiException {
        private static final long serialVersionUID = 1L;

        public CaUnavailable(String message) {
            super(ProblemType.CA_UNAVAILABLE, message);
        }
    }
}
