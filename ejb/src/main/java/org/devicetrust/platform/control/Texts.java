package org.devicetrust.platform.control;

/** Untrusted text quoted back in messages: control characters replaced, length bounded. */
public final class Texts {

    private Texts() {
    }

    /** {@code text} with every control character as '?', cut to {@code max} characters followed by "...". */
    public static String printable(String text, int max) {
        if (text == null) {
            return "";
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= max ? printable : printable.substring(0, max) + "...";
    }
}
