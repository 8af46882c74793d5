package org.devicetrust.enrollment.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.devicetrust.platform.entity.DeviceId;

/**
 * A one-time EST enrollment token of one device: only its SHA-256 is stored. It is usable while unconsumed and
 * unexpired, and is consumed in the same transaction as the certificate it paid for, so a failed enrollment
 * never uses it up.
 */
@Entity
@Table(name = "enrollment_token")
@NamedQuery(
        name = EnrollmentToken.FIND_BY_DEVICE,
        query = "SELECT t FROM EnrollmentToken t WHERE t.deviceId = :device ORDER BY t.createdAt DESC, t.id DESC")
@NamedQuery(
        name = EnrollmentToken.DELETE_UNCONSUMED_OF_DEVICE,
        query = "DELETE FROM EnrollmentToken t WHERE t.deviceId = :device AND t.consumedAt IS NULL")
public class EnrollmentToken {

    public static final String FIND_BY_DEVICE = "EnrollmentToken.findByDevice";
    public static final String DELETE_UNCONSUMED_OF_DEVICE = "EnrollmentToken.deleteUnconsumedOfDevice";
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    @Id
    @SequenceGenerator(name = "enrollment_token_seq", sequenceName = "enrollment_token_seq", allocationSize = 10)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "enrollment_token_seq")
    @Column(name = "id")
    private Long id;

    @Column(name = "device_id", nullable = false, length = 64)
    private String deviceId;

    @Column(name = "token_sha256", nullable = false, length = 64)
    private String tokenSha256;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 200)
    private String createdBy;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "consumed_at")
    private Instant consumedAt;

    @Column(name = "consumed_serial", length = 40)
    private String consumedSerial;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected EnrollmentToken() {
        // for JPA
    }

    public EnrollmentToken(
            DeviceId device, String tokenSha256, Instant createdAt, Instant expiresAt, String createdBy) {
        this.deviceId = Objects.requireNonNull(device, "device").value();
        if (tokenSha256 == null || !SHA256_HEX.matcher(tokenSha256).matches()) {
            throw new IllegalArgumentException("token hash must be 64 lower-case hex digits");
        }
        this.tokenSha256 = tokenSha256;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("an enrollment token must expire after it was created");
        }
        this.createdBy = Objects.requireNonNull(createdBy, "createdBy");
    }

    /** Unconsumed and not yet expired at {@code now}. */
    public boolean isUsableAt(Instant now) {
        return consumedAt == null && now.isBefore(expiresAt);
    }

    /** Marks the token used by the enrollment that issued {@code serialHex}; a token is consumed once only. */
    public void consume(String serialHex, Instant now) {
        if (!isUsableAt(now)) {
            throw new IllegalStateException("enrollment token is consumed or expired");
        }
        this.consumedSerial = Objects.requireNonNull(serialHex, "serialHex");
        this.consumedAt = now;
    }

    public Long id() {
        return id;
    }

    public DeviceId deviceId() {
        return new DeviceId(deviceId);
    }

    public String tokenSha256() {
        return tokenSha256;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant consumedAt() {
        return consumedAt;
    }

    public String consumedSerial() {
        return consumedSerial;
    }
}
