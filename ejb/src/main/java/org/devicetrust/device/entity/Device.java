package org.devicetrust.device.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;
import org.devicetrust.platform.entity.DeviceId;

/** A registered device. Its identity is the {@link DeviceId}; certificates refer to it. */
@Entity
@Table(name = "device")
@NamedQuery(name = Device.COUNT_BY_STATUS, query = "SELECT d.status, COUNT(d) FROM Device d GROUP BY d.status")
@NamedQuery(
        name = Device.FIND_IDS_WITH_STATUS_AMONG,
        query = "SELECT d.id FROM Device d WHERE d.id IN :ids AND d.status = :status")
public class Device {

    public static final String COUNT_BY_STATUS = "Device.countByStatus";
    public static final String FIND_IDS_WITH_STATUS_AMONG = "Device.findIdsWithStatusAmong";
    public static final int MAX_NAME_LENGTH = 200;

    @Id
    @Column(name = "id", length = 64)
    private String id;

    @Column(name = "name", nullable = false, length = MAX_NAME_LENGTH)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 20)
    private DeviceStatus status;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected Device() {
        // for JPA
    }

    public Device(DeviceId id, String name, Instant now) {
        this.id = Objects.requireNonNull(id, "id").value();
        this.name = checkName(name);
        this.status = DeviceStatus.ACTIVE;
        this.createdAt = Objects.requireNonNull(now, "now");
        this.updatedAt = now;
    }

    public static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("device name must not be empty");
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("device name must be at most " + MAX_NAME_LENGTH + " characters");
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("device name must not contain control characters");
        }
        return trimmed;
    }

    /** Changes the status; refuses transitions out of DECOMMISSIONED and no-op changes. */
    public void changeStatus(DeviceStatus next, Instant now) {
        Objects.requireNonNull(next, "status");
        if (!status.canChangeTo(next)) {
            throw new IllegalStateException("device " + id + " is " + status + " and cannot become " + next);
        }
        this.status = next;
        this.updatedAt = now;
    }

    public void rename(String newName, Instant now) {
        this.name = checkName(newName);
        this.updatedAt = now;
    }

    public DeviceId id() {
        return new DeviceId(id);
    }

    public String name() {
        return name;
    }

    public DeviceStatus status() {
        return status;
    }

    public boolean isActive() {
        return status == DeviceStatus.ACTIVE;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
