package org.devicetrust.pki.boundary;

import jakarta.ejb.ApplicationException;
import org.devicetrust.platform.boundary.DeviceTrustException;

/**
 * A refusal of the certificate authority. {@link #type()} is a stable, machine-readable problem type (the web
 * layer turns it into an RFC 9457 problem type); the message says what a person can do about it. Thrown as
 * application exceptions: the transaction rolls back, so nothing is left half done.
 */
@ApplicationException(rollback = true)
public class PkiException extends DeviceTrustException {

    private static final long serialVersionUID = 1L;

    /** A request the CA refuses as invalid (HTTP 400). */
    public PkiException(String type, String message) {
        this(type, Kind.INVALID, message);
    }

    public PkiException(String type, Kind kind, String message) {
        super(type, kind, message);
    }

    /** The CSR is malformed, too large, lacks proof of possession or carries a key the CA does not certify. */
    public static class InvalidCsr extends PkiException {
        private static final long serialVersionUID = 1L;

        public InvalidCsr(String type, String message) {
            super(type, message);
        }
    }

    /** No device with this id is registered (or the id is not a valid device id). */
    public static class UnknownDevice extends PkiException {
        private static final long serialVersionUID = 1L;

        public UnknownDevice(String message) {
            super("device-unknown", Kind.NOT_FOUND, message);
        }
    }

    /** The device exists but is SUSPENDED or DECOMMISSIONED. */
    public static class DeviceNotActive extends PkiException {
        private static final long serialVersionUID = 1L;

        public DeviceNotActive(String message) {
            super("device-not-active", Kind.CONFLICT, message);
        }
    }

    /** This CA issued no certificate with that serial (or the text is not a serial). */
    public static class UnknownSerial extends PkiException {
        private static final long serialVersionUID = 1L;

        public UnknownSerial(String message) {
            super("serial-unknown", Kind.NOT_FOUND, message);
        }
    }

    /** The certificate is revoked already; revocation is final. */
    public static class AlreadyRevoked extends PkiException {
        private static final long serialVersionUID = 1L;

        public AlreadyRevoked(String message) {
            super("already-revoked", Kind.CONFLICT, message);
        }
    }

    /** The revocation reason is missing or not one a device certificate can be revoked for. */
    public static class UnsupportedReason extends PkiException {
        private static final long serialVersionUID = 1L;

        public UnsupportedReason(String message) {
            super("reason-unsupported", message);
        }
    }

    /** The CA keys could not be loaded at start-up (wrong password, corrupted key store). */
    public static class CaUnavailable extends PkiException {
        private static final long serialVersionUID = 1L;

        public CaUnavailable(String message) {
            super("ca-unavailable", Kind.UNAVAILABLE, message);
        }
    }
}
