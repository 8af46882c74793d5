package org.devicetrust.platform.entity;

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
import java.util.Objects;

/**
 * One row of the authorization change feed: a certificate issued or revoked, or a device's new status,
 * written in the same transaction as the change itself, so that every node's in-memory authorization view can
 * follow the database. The sequence number is taken when the row is persisted, which the writers do after
 * they hold the lock that orders changes of the same certificate or device, so for any one subject the
 * numbers follow the commit order.
 */
@Entity
@Table(name = "authorization_change")
@NamedQuery(
        name = AuthorizationChange.AFTER,
        query = "SELECT c FROM AuthorizationChange c WHERE c.sequence > :after ORDER BY c.sequence")
@NamedQuery(
        name = AuthorizationChange.AMONG,
        query = "SELECT c FROM AuthorizationChange c WHERE c.sequence IN :sequences")
@NamedQuery(
        name = AuthorizationChange.SETTLED,
        query = "SELECT MAX(c.sequence) FROM AuthorizationChange c WHERE c.recordedAt < :before")
@NamedQuery(
        name = AuthorizationChange.DELETE_BEFORE,
        query = "DELETE FROM AuthorizationChange c WHERE c.recordedAt < :before")
public class AuthorizationChange {

    public static final String AFTER = "AuthorizationChange.after";
    public static final String AMONG = "AuthorizationChange.among";
    public static final String SETTLED = "AuthorizationChange.settled";
    public static final String DELETE_BEFORE = "AuthorizationChange.deleteBefore";

    public enum Kind {
        CERTIFICATE_ISSUED,
        CERTIFICATE_REVOKED,
        DEVICE_STATUS
    }

    @Id
    @SequenceGenerator(name = "authorization_change_seq", sequenceName = "authorization_change_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "authorization_change_seq")
    @Column(name = "seq")
    private long sequence;

    @Enumerated(EnumType.STRING)
    @Column(name = "kind", nullable = false, length = 24)
    private Kind kind;

    @Column(name = "serial_hex", length = 40)
    private String serialHex;

    @Column(name = "device_id", length = 64)
    private String deviceId;

    /** The device's new status, or for certificates null. */
    @Column(name = "status", length = 20)
    private String status;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "revocation_reason", length = 30)
    private String revocationReason;

    @Column(name = "recorded_at", nullable = false)
    private Instant recordedAt;

    protected AuthorizationChange() {
        // for JPA
    }

    private AuthorizationChange(
            Kind kind,
            String serialHex,
            String deviceId,
            String status,
            Instant revokedAt,
            String revocationReason,
            Instant recordedAt) {
        this.kind = kind;
        this.serialHex = serialHex;
        this.deviceId = deviceId;
        this.status = status;
        this.revokedAt = revokedAt;
        this.revocationReason = revocationReason;
        this.recordedAt = Objects.requireNonNull(recordedAt, "recordedAt");
    }

    public static AuthorizationChange certificateIssued(String serialHex, Instant at) {
        return new AuthorizationChange(
                Kind.CERTIFICATE_ISSUED, Objects.requireNonNull(serialHex), null, null, null, null, at);
    }

    /** @param reason the RFC 5280 reason's enum name in the PKI component */
    public static AuthorizationChange certificateRevoked(
            String serialHex, Instant revokedAt, String reason, Instant at) {
        return new AuthorizationChange(
                Kind.CERTIFICATE_REVOKED,
                Objects.requireNonNull(serialHex),
                null,
                null,
                Objects.requireNonNull(revokedAt),
                Objects.requireNonNull(reason),
                at);
    }

    /** @param status the device's new status's enum name, or null when it is no longer registered */
    public static AuthorizationChange deviceStatus(String deviceId, String status, Instant at) {
        return new AuthorizationChange(
                Kind.DEVICE_STATUS, null, Objects.requireNonNull(deviceId), status, null, null, at);
    }

    public long sequence() {
        return sequence;
    }

    public Kind kind() {
        return kind;
    }

    public String serialHex() {
        return serialHex;
    }

    public String deviceId() {
        return deviceId;
    }

    public String status() {
        return status;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public String revocationReason() {
        return revocationReason;
    }

    public Instant recordedAt() {
        return recordedAt;
    }
}
