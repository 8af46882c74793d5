package org.devicetrust.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * Device authorization decisions of one hour (UTC), allowed and refused. Written only by the audit appender,
 * under the chain-head lock, together with the DEVICE_ACCESS records it counts.
 */
@Entity
@Table(name = "device_access_hour")
@NamedQuery(name = DeviceAccessHour.FROM, query = "SELECT h FROM DeviceAccessHour h WHERE h.hourStartMillis >= :from"
        + " ORDER BY h.hourStartMillis")
public class DeviceAccessHour {

    public static final String FROM = "DeviceAccessHour.from";
    public static final long HOUR_MILLIS = 3_600_000L;

    @Id
    @Column(name = "hour_start_ms")
    private long hourStartMillis;

    @Column(name = "allowed", nullable = false)
    private long allowed;

    @Column(name = "refused", nullable = false)
    private long refused;

    protected DeviceAccessHour() {
        // for JPA
    }

    public DeviceAccessHour(long hourStartMillis) {
        if (hourStartMillis % HOUR_MILLIS != 0) {
            throw new IllegalArgumentException("an hour starts at a multiple of " + HOUR_MILLIS + " ms");
        }
        this.hourStartMillis = hourStartMillis;
    }

    public void add(long allowedNow, long refusedNow) {
        allowed += allowedNow;
        refused += refusedNow;
    }

    public long hourStartMillis() {
        return hourStartMillis;
    }

    public long allowed() {
        return allowed;
    }

    public long refused() {
        return refused;
    }
}
