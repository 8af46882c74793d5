package org.devicetrust.device.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.devicetrust.platform.entity.DeviceId;

/** One telemetry document a device sent about itself, stored as the compact JSON it validated to. */
@Entity
@Table(name = "telemetry")
@NamedQuery(
        name = Telemetry.FIND_BY_DEVICE,
        query = "SELECT t FROM Telemetry t WHERE t.deviceId = :device ORDER BY t.receivedAt DESC, t.id DESC")
@NamedQuery(name = Telemetry.COUNT_BY_DEVICE, query = "SELECT COUNT(t) FROM Telemetry t WHERE t.deviceId = :device")
public class Telemetry {

    public static final String FIND_BY_DEVICE = "Telemetry.findByDevice";
    public static final String COUNT_BY_DEVICE = "Telemetry.countByDevice";
    public static final int MAX_BYTES = 8192;

    @Id
    @SequenceGenerator(name = "telemetry_seq", sequenceName = "telemetry_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "telemetry_seq")
    @Column(name = "id")
    private Long id;

    @Column(name = "device_id", nullable = false, length = 64)
    private String deviceId;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    @Column(name = "certificate_serial", nullable = false, length = 40)
    private String certificateSerial;

    @Column(name = "body", nullable = false, length = MAX_BYTES)
    private String body;

    protected Telemetry() {
        // for JPA
    }

    public Telemetry(DeviceId device, String certificateSerial, Instant receivedAt, String body) {
        this.deviceId = Objects.requireNonNull(device, "device").value();
        this.certificateSerial = Objects.requireNonNull(certificateSerial, "certificateSerial");
        if (certificateSerial.isEmpty() || certificateSerial.length() > 40) {
            throw new IllegalArgumentException("certificate serial must be 1-40 hex digits");
        }
        this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(body, "body");
        if (body.isEmpty() || body.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("telemetry body must be 1-" + MAX_BYTES + " bytes");
        }
        this.body = body;
    }

    public Long id() {
        return id;
    }

    public DeviceId deviceId() {
        return new DeviceId(deviceId);
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public String certificateSerial() {
        return certificateSerial;
    }

    public String body() {
        return body;
    }
}
