package org.devicetrust.firmware.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * What a device last reported running in an update status report: the app's version and build id and the
 * device's anti-rollback (eFuse) counter. The device's claim, made over its mutual-TLS session; the console shows
 * it, and offers respect the counter as a floor (a release below it is never offered).
 */
@Entity
@Table(name = "running_firmware")
public class RunningFirmware {

    public static final int MAX_BUILD_ID_LENGTH = 32;
    public static final int MAX_SECURITY_VERSION = 64;

    @Id
    @Column(name = "device_id", length = 64)
    private String deviceId;

    @Column(name = "version", nullable = false)
    private long version;

    @Column(name = "build_id", nullable = false, length = MAX_BUILD_ID_LENGTH)
    private String buildId;

    @Column(name = "security_version", nullable = false)
    private int securityVersion;

    @Column(name = "update_id", nullable = false, length = 32)
    private String updateId;

    @Column(name = "reported_at", nullable = false)
    private Instant reportedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private long rowVersion;

    protected RunningFirmware() {
        // for JPA
    }

    public RunningFirmware(String deviceId) {
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    }

    /** Replaces what the device runs with its newest report. */
    public void report(long version, String buildId, int securityVersion, String updateId, Instant now) {
        if (version < 0 || version > 0xffff_ffffL) {
            throw new IllegalArgumentException("version must fit in 32 bits");
        }
        if (buildId == null
                || buildId.length() > MAX_BUILD_ID_LENGTH
                || !buildId.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException("build id must be at most 32 printable ASCII characters");
        }
        if (securityVersion < 0 || securityVersion > MAX_SECURITY_VERSION) {
            throw new IllegalArgumentException("security version must be 0..64");
        }
        this.version = version;
        this.buildId = buildId;
        this.securityVersion = securityVersion;
        this.updateId = Objects.requireNonNull(updateId, "updateId");
        this.reportedAt = Objects.requireNonNull(now, "now");
    }

    public String deviceId() {
        return deviceId;
    }

    public long version() {
        return version;
    }

    public String buildId() {
        return buildId;
    }

    public int securityVersion() {
        return securityVersion;
    }

    public String updateId() {
        return updateId;
    }

    public Instant reportedAt() {
        return reportedAt;
    }
}
