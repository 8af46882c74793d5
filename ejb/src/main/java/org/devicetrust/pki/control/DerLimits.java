package org.devicetrust.pki.control;

/**
 * Checks the shape of untrusted DER before a recursive parser sees it: one definite-length TLV tree, no
 * element longer than what encloses it, and at most {@link #MAX_DEPTH} levels of constructed elements. The walk
 * is iterative and reads every length before it uses it, so a nesting bomb (thousands of SEQUENCEs inside each
 * other) is refused here instead of exhausting the stack of BouncyCastle's parser.
 */
public final class DerLimits {

    /** Far above what a PKCS#10 request or a certificate needs (about 8 levels). */
    public static final int MAX_DEPTH = 32;

    private DerLimits() {}

    /** @return {@code null} when {@code der} is one well-formed TLV tree within {@code maxDepth}, else why not */
    public static String check(byte[] der, int maxDepth) {
        if (der == null || der.length == 0) {
            return "empty";
        }
        int[] ends = new int[maxDepth + 1];
        ends[0] = der.length;
        int depth = 0;
        int pos = 0;
        boolean first = true;
        while (true) {
            while (depth > 0 && pos == ends[depth]) {
                depth--;
            }
            if (depth == 0) {
                if (!first) {
                    return pos == der.length ? null : "must be exactly one DER structure";
                }
                first = false;
            }
            int limit = ends[depth];
            if (pos >= limit) {
                return "truncated DER element";
            }
            int tag = der[pos++] & 0xff;
            boolean constructed = (tag & 0x20) != 0;
            if ((tag & 0x1f) == 0x1f) {
                int tagBytes = 0;
                int next;
                do {
                    if (pos >= limit || ++tagBytes > 4) {
                        return "malformed DER tag";
                    }
                    next = der[pos++] & 0xff;
                } while ((next & 0x80) != 0);
            }
            if (pos >= limit) {
                return "truncated DER length";
            }
            int first8 = der[pos++] & 0xff;
            long length;
            if (first8 < 0x80) {
                length = first8;
            } else if (first8 == 0x80) {
                return "indefinite length is not DER";
            } else {
                int lengthBytes = first8 & 0x7f;
                if (lengthBytes > 4 || lengthBytes > limit - pos) {
                    return "malformed DER length";
                }
                length = 0;
                for (int i = 0; i < lengthBytes; i++) {
                    length = (length << 8) | (der[pos++] & 0xff);
                }
            }
            if (length > limit - pos) {
                return "DER element longer than what encloses it";
            }
            if (constructed) {
                if (depth == maxDepth) {
                    return "DER nested deeper than " + maxDepth + " levels";
                }
                ends[++depth] = pos + (int) length;
            } else {
                pos += (int) length;
            }
        }
    }
}
