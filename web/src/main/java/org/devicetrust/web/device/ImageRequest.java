package org.devicetrust.web.device;

import java.util.List;
import java.util.Locale;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;

/**
 * The two request headers of an image download, read strictly (OTA contract): {@code Range: bytes=a-b}, exactly one
 * range of at most {@code maxLength} bytes with both ends given, and {@code If-Match: "<64 lowercase hex>"}, the
 * manifest digest of the offered image. Anything else is refused rather than reinterpreted: a device that sends it
 * has a bug that should show.
 */
final class ImageRequest {

    /** One byte range, both ends inclusive. */
    record ByteRange(long first, long last) {}

    private ImageRequest() {}

    /**
     * @param values every {@code Range} header of the request
     * @throws InvalidRequest range-invalid: none, more than one header or range, another unit, a suffix
     *     ({@code -10}) or open ({@code 0-}) range, last before first, a number that does not fit 63 bits, or more
     *     than {@code maxLength} bytes
     */
    static ByteRange range(List<String> values, int maxLength) {
        if (values == null || values.isEmpty()) {
            throw refused("a Range header \"bytes=first-last\" is required");
        }
        if (values.size() > 1) {
            throw refused("one Range header, not " + values.size());
        }
        String value = values.get(0).strip();
        int equals = value.indexOf('=');
        if (equals < 0
                || !value.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            throw refused("the Range unit must be bytes: \"bytes=first-last\"");
        }
        String spec = value.substring(equals + 1).strip();
        if (spec.indexOf(',') >= 0) {
            throw refused("one range per request, not a list");
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            throw refused("a range is first-last");
        }
        long first = number(spec.substring(0, dash), "first");
        long last = number(spec.substring(dash + 1), "last");
        if (last < first) {
            throw refused("the range's last byte " + last + " is before its first " + first);
        }
        if (last - first >= maxLength) {
            throw refused("at most " + maxLength + " bytes per request");
        }
        return new ByteRange(first, last);
    }

    /**
     * The digest an {@code If-Match} names, or null when the request has none or one that is not exactly one
     * strong entity tag of 64 lowercase hex digits ({@code *}, weak tags and lists name no image).
     */
    static String expectedDigest(List<String> values) {
        if (values == null || values.size() != 1) {
            return null;
        }
        String tag = values.get(0).strip();
        if (tag.length() != 66 || tag.charAt(0) != '"' || tag.charAt(65) != '"') {
            return null;
        }
        String digest = tag.substring(1, 65);
        return digest.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ? digest : null;
    }

    private static long number(String digits, String which) {
        if (digits.isEmpty()) {
            throw refused("the range's " + which + " byte is missing: suffix and open ranges are not served");
        }
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw refused("the range's " + which + " byte is not a number");
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw refused("the range's " + which + " byte is too large");
        }
    }

    private static InvalidRequest refused(String detail) {
        return new InvalidRequest(ProblemType.RANGE_INVALID, detail);
    }
}
