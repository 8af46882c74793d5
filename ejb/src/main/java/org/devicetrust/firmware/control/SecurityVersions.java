package org.devicetrust.firmware.control;

/**
 * The fleet's anti-rollback counter as the backend sees it: 64 one-way steps (eFuse bits). A release whose security
 * version is above the highest one ever approved raises the counter of every device that boots it, for good, so it
 * needs a second administrator; nothing above 64 exists.
 */
public final class SecurityVersions {

    public static final int MAX = FirmwareManifest.MAX_SECURITY_VERSION;

    private SecurityVersions() {}

    public static boolean inRange(long securityVersion) {
        return securityVersion >= 0 && securityVersion <= MAX;
    }

    /** A bump: above every security version approved so far ({@code highestApproved} -1 when none was). */
    public static boolean isBump(int securityVersion, int highestApproved) {
        return securityVersion > highestApproved;
    }

    /** Steps left on the counter once a release with {@code securityVersion} is approved. */
    public static int remainingAfter(int securityVersion, int highestApproved) {
        return MAX - Math.max(Math.max(securityVersion, highestApproved), 0);
    }

    /** Who may approve: anyone but the uploader for a bump; for no bump, the uploader too. */
    public static boolean mayApprove(String approver, String uploader, boolean bump) {
        return !bump || !approver.equals(uploader);
    }
}
