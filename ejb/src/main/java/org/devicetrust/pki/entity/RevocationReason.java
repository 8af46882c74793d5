package org.devicetrust.pki.entity;

import java.util.Locale;

/**
 * The RFC 5280 CRLReason values a device certificate can be revoked for. Left out on purpose: cACompromise and
 * aACompromise (not about an end-entity certificate), certificateHold (revocation here is final) and
 * removeFromCRL (delta CRLs only).
 */
public enum RevocationReason {
    UNSPECIFIED(0, "unspecified"),
    KEY_COMPROMISE(1, "keyCompromise"),
    AFFILIATION_CHANGED(3, "affiliationChanged"),
    SUPERSEDED(4, "superseded"),
    CESSATION_OF_OPERATION(5, "cessationOfOperation"),
    PRIVILEGE_WITHDRAWN(9, "privilegeWithdrawn");

    private final int code;
    private final String rfcName;

    RevocationReason(int code, String rfcName) {
        this.code = code;
        this.rfcName = rfcName;
    }

    /** The CRLReason code written into the CRL entry. */
    public int code() {
        return code;
    }

    /** The name RFC 5280 gives the reason, e.g. {@code keyCompromise}. */
    public String rfcName() {
        return rfcName;
    }

    /**
     * Accepts the enum name ({@code KEY_COMPROMISE}), the RFC name ({@code keyCompromise}, any case) or the
     * numeric code ({@code 1}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static RevocationReason parse(String text) {
        if (text != null) {
            String wanted = text.strip();
            for (RevocationReason reason : values()) {
                if (reason.name().equalsIgnoreCase(wanted) || reason.rfcName.equalsIgnoreCase(wanted)
                        || String.valueOf(reason.code).equals(wanted)) {
                    return reason;
                }
            }
        }
        StringBuilder accepted = new StringBuilder();
        for (RevocationReason reason : values()) {
            accepted.append(accepted.length() == 0 ? "" : ", ").append(reason.rfcName);
        }
        throw new IllegalArgumentException("revocation reason '" + (text == null ? "" : text.strip()
                .toLowerCase(Locale.ROOT)) + "' is not supported; use one of " + accepted);
    }
}
