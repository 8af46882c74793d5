package org.devicetrust.enrollment.control;

import java.time.Duration;
import java.util.Optional;

/**
 * The EST settings, typed and checked: the renewal window and grace period (days), the default validity of an
 * enrollment token (hours), whether a renewal revokes the certificate it replaces, and the manufacturer CA file.
 * Read in one step from MicroProfile Config under the property names and defaults below.
 */
public record EstSettings(
        int renewalWindowDays,
        int graceDays,
        int tokenValidityHours,
        boolean revokeSuperseded,
        Optional<String> manufacturerCa) {

    public static final String RENEWAL_WINDOW_DAYS = "devicetrust.est.renewal-window-days";
    public static final String GRACE_DAYS = "devicetrust.est.grace-days";
    public static final String TOKEN_VALIDITY_HOURS = "devicetrust.est.token-validity-hours";
    public static final String REVOKE_SUPERSEDED = "devicetrust.est.revoke-superseded";
    /** Path of a PEM file with the manufacturer CA certificates whose IDevIDs may enroll; absent = none may. */
    public static final String MANUFACTURER_CA = "devicetrust.est.manufacturer-ca";

    public static final int DEFAULT_RENEWAL_WINDOW_DAYS = 30;
    public static final int DEFAULT_GRACE_DAYS = 0;
    public static final int DEFAULT_TOKEN_VALIDITY_HOURS = 72;
    public static final int MAX_TOKEN_VALIDITY_HOURS = 24 * 30;
    public static final int MAX_DAYS = 3650;

    public EstSettings {
        check(RENEWAL_WINDOW_DAYS, renewalWindowDays, MAX_DAYS);
        check(GRACE_DAYS, graceDays, MAX_DAYS);
        check(TOKEN_VALIDITY_HOURS, tokenValidityHours, MAX_TOKEN_VALIDITY_HOURS);
        manufacturerCa = manufacturerCa.filter(path -> !path.isBlank());
    }

    /** The defaults: what a server without any EST setting uses. */
    public static EstSettings defaults() {
        return new EstSettings(
                DEFAULT_RENEWAL_WINDOW_DAYS, DEFAULT_GRACE_DAYS, DEFAULT_TOKEN_VALIDITY_HOURS, true, Optional.empty());
    }

    /** Typed properties, as MicroProfile Config's {@code Config::getOptionalValue} gives them. */
    @FunctionalInterface
    public interface Properties {
        <T> Optional<T> value(String name, Class<T> type);
    }

    /**
     * Reads the settings in one step.
     *
     * @throws IllegalStateException naming the property that is out of range
     */
    public static EstSettings read(Properties properties) {
        return new EstSettings(
                properties.value(RENEWAL_WINDOW_DAYS, Integer.class).orElse(DEFAULT_RENEWAL_WINDOW_DAYS),
                properties.value(GRACE_DAYS, Integer.class).orElse(DEFAULT_GRACE_DAYS),
                properties.value(TOKEN_VALIDITY_HOURS, Integer.class).orElse(DEFAULT_TOKEN_VALIDITY_HOURS),
                properties.value(REVOKE_SUPERSEDED, Boolean.class).orElse(Boolean.TRUE),
                properties.value(MANUFACTURER_CA, String.class));
    }

    public RenewalPolicy renewalPolicy() {
        return new RenewalPolicy(Duration.ofDays(renewalWindowDays), Duration.ofDays(graceDays));
    }

    private static void check(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalStateException(name + " must be between 0 and " + max);
        }
    }
}
