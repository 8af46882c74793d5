package org.devicetrust.pki.control;

/**
 * A key store that cannot be used (missing, wrong password, corrupted). The message is one line a person can
 * act on; it never contains a password or key material. No stack trace is kept: the message is the whole story.
 */
public class KeyStoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KeyStoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}
