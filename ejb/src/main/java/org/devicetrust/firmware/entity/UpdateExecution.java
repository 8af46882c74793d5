package org.devicetrust.firmware.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One device's update within a rollout. Its id is the offer's 16-byte update id (32 lowercase hex characters in
 * URLs). While it is open, {@code open_device_id} holds the device id under a unique constraint: at most one open
 * update per device.
 */
@Entity
@Table(name = "update_execution")
@NamedQuery(
        name = UpdateExecution.FIND_OPEN_BY_DEVICE,
        query = "SELECT e FROM UpdateExecution e WHERE e.openDeviceId = :device")
@NamedQuery(
        name = UpdateExecution.FIND_OPEN_AMONG,
        query = "SELECT e.openDeviceId FROM UpdateExecution e WHERE e.openDeviceId IN :devices")
@NamedQuery(
        name = UpdateExecution.COUNT_BY_STATE_IN_GROUP,
        query = "SELECT e.state, COUNT(e) FROM UpdateExecution e WHERE e.groupId = :group GROUP BY e.state")
@NamedQuery(
        name = UpdateExecution.COUNT_BY_STATE_IN_ROLLOUT,
        query = "SELECT e.state, COUNT(e) FROM UpdateExecution e WHERE e.rolloutId = :rollout GROUP BY e.state")
@NamedQuery(
        name = UpdateExecution.COUNT_OFFERED_SINCE,
        query = "SELECT COUNT(e) FROM UpdateExecution e WHERE e.rolloutId = :rollout AND e.offeredAt >= :since")
@NamedQuery(
        name = UpdateExecution.COUNT_OFFERED,
        query = "SELECT COUNT(e) FROM UpdateExecution e WHERE e.rolloutId = :rollout AND e.offeredAt IS NOT NULL")
@NamedQuery(
        name = UpdateExecution.FIND_EXPIRED,
        query = "SELECT e FROM UpdateExecution e WHERE e.deadline < :now AND e.openDeviceId IS NOT NULL"
                + " ORDER BY e.deadline")
@NamedQuery(
        name = UpdateExecution.CANCEL_BEFORE_DOWNLOADED,
        query = "UPDATE UpdateExecution e SET e.state = :canceled, e.openDeviceId = NULL, e.finishedAt = :now,"
                + " e.rowVersion = e.rowVersion + 1 WHERE e.rolloutId = :rollout AND e.state IN :cancelable")
@NamedQuery(
        name = UpdateExecution.FIND_DOWNLOAD,
        query = "SELECT e.deviceId, e.state, o.state, r.id, r.state, r.manifestDigest, r.imageLength"
                + " FROM UpdateExecution e, Rollout o, FirmwareRelease r"
                + " WHERE e.id = :id AND o.id = e.rolloutId AND r.id = o.releaseId")
@NamedQuery(
        name = UpdateExecution.FIND_BY_ROLLOUT,
        query = "SELECT e FROM UpdateExecution e WHERE e.rolloutId = :rollout ORDER BY e.deviceId")
@NamedQuery(
        name = UpdateExecution.FIND_BY_ROLLOUT_AND_STATE,
        query = "SELECT e FROM UpdateExecution e WHERE e.rolloutId = :rollout AND e.state = :state"
                + " ORDER BY e.deviceId")
@NamedQuery(
        name = UpdateExecution.FIND_HISTORY_OF_DEVICE,
        query = "SELECT e, r.id, r.version, r.securityVersion FROM UpdateExecution e, Rollout o, FirmwareRelease r"
                + " WHERE e.deviceId = :device AND o.id = e.rolloutId AND r.id = o.releaseId"
                + " ORDER BY e.rolloutId DESC")
public class UpdateExecution {

    public static final String FIND_OPEN_BY_DEVICE = "UpdateExecution.findOpenByDevice";
    public static final String FIND_OPEN_AMONG = "UpdateExecution.findOpenAmong";
    public static final String COUNT_BY_STATE_IN_GROUP = "UpdateExecution.countByStateInGroup";
    public static final String COUNT_BY_STATE_IN_ROLLOUT = "UpdateExecution.countByStateInRollout";
    public static final String COUNT_OFFERED_SINCE = "UpdateExecution.countOfferedSince";
    public static final String COUNT_OFFERED = "UpdateExecution.countOffered";
    public static final String FIND_EXPIRED = "UpdateExecution.findExpired";
    /** Queued, offered or downloading: the device is still fetching the image (or has not started). */
    public static final String CANCEL_BEFORE_DOWNLOADED = "UpdateExecution.cancelBeforeDownloaded";
    /** Device id, states of update, rollout and release, release id, manifest digest, image length: no image. */
    public static final String FIND_DOWNLOAD = "UpdateExecution.findDownload";

    public static final String FIND_BY_ROLLOUT = "UpdateExecution.findByRollout";
    public static final String FIND_HISTORY_OF_DEVICE = "UpdateExecution.findHistoryOfDevice";

    public static final String FIND_BY_ROLLOUT_AND_STATE = "UpdateExecution.findByRolloutAndState";

    @Id
    @Column(name = "id", length = 32)
    private String id;

    @Column(name = "rollout_id", nullable = false)
    private long rolloutId;

    @Column(name = "group_id", nullable = false)
    private long groupId;

    @Column(name = "device_id", nullable = false, length = 64)
    private String deviceId;

    @Column(name = "open_device_id", length = 64)
    private String openDeviceId;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false, length = 16)
    private ExecutionState state;

    @Column(name = "last_seq", nullable = false)
    private long lastSeq;

    @Column(name = "last_code")
    private Integer lastCode;

    @Column(name = "offered_at")
    private Instant offeredAt;

    @Column(name = "deadline")
    private Instant deadline;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private long rowVersion;

    protected UpdateExecution() {
        // for JPA
    }

    public UpdateExecution(byte[] updateId, long rolloutId, long groupId, String deviceId) {
        if (updateId == null || updateId.length != 16) {
            throw new IllegalArgumentException("an update id is 16 bytes");
        }
        this.id = HexFormat.of().formatHex(updateId);
        this.rolloutId = rolloutId;
        this.groupId = groupId;
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.openDeviceId = deviceId;
        this.state = ExecutionState.QUEUED;
    }

    public void offer(Instant now, Instant deadline) {
        if (state != ExecutionState.QUEUED) {
            throw new IllegalStateException("only a queued update is offered; this one is " + state);
        }
        state = ExecutionState.OFFERED;
        offeredAt = now;
        this.deadline = deadline;
    }

    /**
     * Applies the device's report numbered {@code seq}; a number not above the last applied one changes nothing
     * (a repeat or a late report). Returns whether the report ended the update.
     */
    public boolean report(long seq, ExecutionState reported, int code, Instant now) {
        if (seq <= lastSeq || !isOpen() || state == ExecutionState.QUEUED) {
            return false;
        }
        if (reported == ExecutionState.QUEUED
                || reported == ExecutionState.OFFERED
                || reported == ExecutionState.TIMED_OUT
                || reported == ExecutionState.CANCELED) {
            throw new IllegalArgumentException("a device does not report " + reported);
        }
        lastSeq = seq;
        lastCode = code;
        state = reported;
        if (!reported.isOpen()) {
            close(now);
            return true;
        }
        return false;
    }

    /** Ends a queued update REJECTED without offering it (the server refuses it for the device). */
    public void refuse(int code, Instant now) {
        if (state != ExecutionState.QUEUED) {
            throw new IllegalStateException("only a queued update is refused unoffered; this one is " + state);
        }
        state = ExecutionState.REJECTED;
        lastCode = code;
        close(now);
    }

    public void timeOut(Instant now) {
        if (!isOpen() || state == ExecutionState.QUEUED) {
            throw new IllegalStateException("only an offered, open update times out");
        }
        state = ExecutionState.TIMED_OUT;
        close(now);
    }

    private void close(Instant now) {
        openDeviceId = null;
        finishedAt = now;
    }

    public boolean isOpen() {
        return state.isOpen();
    }

    public String id() {
        return id;
    }

    public byte[] updateId() {
        return HexFormat.of().parseHex(id);
    }

    public long rolloutId() {
        return rolloutId;
    }

    public long groupId() {
        return groupId;
    }

    public String deviceId() {
        return deviceId;
    }

    public ExecutionState state() {
        return state;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public Instant offeredAt() {
        return offeredAt;
    }

    public Instant deadline() {
        return deadline;
    }

    public Integer lastCode() {
        return lastCode;
    }

    public Instant finishedAt() {
        return finishedAt;
    }
}
