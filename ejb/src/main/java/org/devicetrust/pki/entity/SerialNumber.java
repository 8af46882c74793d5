package org.devicetrust.pki.entity;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.devicetrust.platform.control.Texts;

/**
 * A certificate serial number this CA can have issued: positive and at most 160 bits (RFC 5280's 20 octets).
 * The one place that decides what a serial is, whether it comes from a certificate, an administrator's text or
 * a TLS client certificate. Stored and looked up as {@link #hex()}: lower-case hex, no leading zeros.
 */
public record SerialNumber(BigInteger value) {

    public static final int MAX_BITS = IssuedCertificate.MAX_SERIAL_HEX * 4;
    private static final Pattern TEXT = Pattern.compile("(0x)?[0-9a-fA-F:]{1,80}");

    /** Text that is not a serial this CA can have issued; the message says which of the two it is. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    public SerialNumber {
        Objects.requireNonNull(value, "serial number");
        if (!inRange(value)) {
            throw new IllegalArgumentException("serial number must be positive and at most 160 bits");
        }
    }

    /** The serial of a certificate (for example a TLS client's), if it is one this CA can have issued. */
    public static Optional<SerialNumber> of(BigInteger value) {
        return value != null && inRange(value) ? Optional.of(new SerialNumber(value)) : Optional.empty();
    }

    /**
     * Hex with or without {@code 0x} and colons, as printed by {@code openssl x509 -serial}.
     *
     * @throws Invalid when the text is not hexadecimal, or names a number no certificate of this CA can have
     */
    public static SerialNumber parse(String text) {
        if (text == null || !TEXT.matcher(text.strip()).matches()) {
            throw new Invalid("'" + Texts.printable(text, 80) + "' is not a hexadecimal serial number");
        }
        String digits = text.strip().replaceFirst("^0x", "").replace(":", "");
        if (digits.isEmpty() || digits.length() > 2 * IssuedCertificate.MAX_SERIAL_HEX) {
            throw new Invalid("'" + Texts.printable(text, 80) + "' is not a hexadecimal serial number");
        }
        BigInteger value = new BigInteger(digits, 16);
        if (!inRange(value)) {
            throw new Invalid("no certificate with serial " + Texts.printable(text, 80) + " was issued");
        }
        return new SerialNumber(value);
    }

    private static boolean inRange(BigInteger value) {
        return value.signum() > 0 && value.bitLength() <= MAX_BITS;
    }

    /** The form serials are stored and looked up in. */
    public String hex() {
        return value.toString(16);
    }

    @Override
    public String toString() {
        return hex();
    }
}
