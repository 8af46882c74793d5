package org.devicetrust.platform.entity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A device identifier as it appears in certificates (subject CN, SAN URI {@code urn:devicetrust:device:<id>})
 * and in API paths: 3 to 64 characters, lower-case letters, digits and hyphens, starting with a letter or digit.
 * The narrow alphabet keeps the identifier safe in URNs, DNs, URLs, file names and HTML without escaping rules.
 */
public record DeviceId(String value) {

    public static final String URN_PREFIX = "urn:devicetrust:device:";
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");

    public DeviceId {
        Objects.requireNonNull(value, "device id");
        if (!isValid(value)) {
            throw new IllegalArgumentException(
                    "device id must be 3-64 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
    }

    public static boolean isValid(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }

    public String urn() {
        return URN_PREFIX + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
