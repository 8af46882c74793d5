package org.devicetrust.device.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import org.devicetrust.platform.entity.DeviceId;

/** One entry of a device's status history. */
@Entity
@Table(name = "device_status_change")
@NamedQuery(
        name = DeviceStatusChange.FIND_BY_DEVICE,
        query = "SELECT c FROM DeviceStatusChange c WHERE c.deviceId = :deviceId ORDER BY c.changedAt DESC, c.id DESC")
public class DeviceStatusChange {

    public static final String FIND_BY_DEVICE = "DeviceStatusChange.findByDevice";

    @Id
    @SequenceGenerator(
            name = "device_status_change_seq",
            sequenceName = "device_status_change_seq",
            allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "device_status_change_seq")
    private long id;

    @Column(name = "device_id", nullable = false, length = 64)
    private String deviceId;

    @Enumerated(EnumType.STRING)
    @Column(name = "from_status", length = 20)
    private DeviceStatus fromStatus;

    @Enumerated(EnumType.STRING)
    @Column(name = "to_status", nullable = false, length = 20)
    private DeviceStatus toStatus;

    @Column(name = "changed_at", nullable = false)
    private Instant changedAt;

    @Column(name = "changed_by", nullable = false, length = 200)
    private String changedBy;

    @Column(name = "reason", nullable = false, length = 500)
    private String reason;

    protected DeviceStatusChange() {
        // for JPA
    }

    public DeviceStatusChange(
            DeviceId deviceId, DeviceStatus from, DeviceStatus to, Instant at, String by, String reason) {
        this.deviceId = deviceId.value();
        this.fromStatus = from;
        this.toStatus = to;
        this.changedAt = at;
        this.changedBy = by;
        String r = reason == null ? "" : reason.strip();
        this.reason = r.length() > 500 ? r.substring(0, 500) : r;
    }

    public String deviceId() {
        return deviceId;
    }

    public DeviceStatus fromStatus() {
        return fromStatus;
    }

    public DeviceStatus toStatus() {
        return toStatus;
    }

    public Instant changedAt() {
        return changedAt;
    }

    public String changedBy() {
        return changedBy;
    }

    public String reason() {
        return reason;
    }
}
