package org.devicetrust.firmware.entity;

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
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.devicetrust.firmware.control.RolloutThresholds.ErrorThreshold;

/**
 * A rollout of one approved release over a set of devices in staged groups, with its error threshold, success
 * percentage for the cascade, per-device action timeout and offer rate. Its row is the lock every offer and every
 * status report of the rollout takes, so the pause decided in a report's transaction is seen by the next offer.
 */
@Entity
@Table(name = "rollout")
@NamedQuery(name = Rollout.FIND_ALL, query = "SELECT r FROM Rollout r ORDER BY r.id DESC")
@NamedQuery(
        name = Rollout.FIND_DUE,
        query = "SELECT r.id FROM Rollout r WHERE r.state = org.devicetrust.firmware.entity.RolloutState.DRAFT"
                + " AND r.startAt IS NOT NULL AND r.startAt <= :now ORDER BY r.startAt, r.id")
public class Rollout {

    public static final String FIND_ALL = "Rollout.findAll";
    public static final String FIND_DUE = "Rollout.findDue";

    /** How far ahead a start may be scheduled. */
    public static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(366);

    /** Why a rollout is PAUSED. */
    public enum PauseReason {
        MANUAL,
        THRESHOLD
    }

    @Id
    @SequenceGenerator(name = "rollout_seq", sequenceName = "rollout_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "rollout_seq")
    @Column(name = "id")
    private Long id;

    @Column(name = "release_id", nullable = false)
    private long releaseId;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false, length = 16)
    private RolloutState state;

    @Enumerated(EnumType.STRING)
    @Column(name = "pause_reason", length = 16)
    private PauseReason pauseReason;

    @Column(name = "success_percent", nullable = false)
    private int successPercent;

    @Column(name = "error_percent", nullable = false)
    private int errorPercent;

    @Column(name = "min_executed", nullable = false)
    private int minExecuted;

    @Column(name = "absolute_max", nullable = false)
    private int absoluteMax;

    @Column(name = "action_timeout_seconds", nullable = false)
    private int actionTimeoutSeconds;

    @Column(name = "max_offers_per_minute", nullable = false)
    private int maxOffersPerMinute;

    @Column(name = "chunk_size", nullable = false)
    private int chunkSize;

    @Column(name = "forgiven_failed", nullable = false)
    private long forgivenFailed;

    @Column(name = "forgiven_terminal", nullable = false)
    private long forgivenTerminal;

    @Column(name = "offers_at_pause")
    private Long offersAtPause;

    @Column(name = "created_by", nullable = false, length = 128)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "start_at")
    private Instant startAt;

    @Column(name = "changed_at", nullable = false)
    private Instant changedAt;

    @Version
    @Column(name = "row_version", nullable = false)
    private long rowVersion;

    protected Rollout() {
        // for JPA
    }

    public Rollout(
            long releaseId,
            int successPercent,
            ErrorThreshold threshold,
            Duration actionTimeout,
            int maxOffersPerMinute,
            int chunkSize,
            String createdBy,
            Instant now) {
        if (successPercent < 1 || successPercent > 100) {
            throw new IllegalArgumentException("success percent must be 1..100");
        }
        if (actionTimeout.getSeconds() < 1 || actionTimeout.toDays() > 30) {
            throw new IllegalArgumentException("action timeout must be 1 second to 30 days");
        }
        if (maxOffersPerMinute < 1) {
            throw new IllegalArgumentException("at least one offer per minute");
        }
        if (chunkSize < 512 || chunkSize > 6144 || chunkSize % 16 != 0) {
            throw new IllegalArgumentException("chunk size must be a multiple of 16 in 512..6144 bytes");
        }
        this.releaseId = releaseId;
        this.successPercent = successPercent;
        this.errorPercent = threshold.errorPercent();
        this.minExecuted = threshold.minExecuted();
        this.absoluteMax = threshold.absoluteMax();
        this.actionTimeoutSeconds = (int) actionTimeout.getSeconds();
        this.maxOffersPerMinute = maxOffersPerMinute;
        this.chunkSize = chunkSize;
        this.createdBy = Objects.requireNonNull(createdBy, "createdBy");
        this.createdAt = now;
        this.changedAt = now;
        this.state = RolloutState.DRAFT;
    }

    public void start(Instant now) {
        move(RolloutState.DRAFT, RolloutState.RUNNING, now);
    }

    /** A DRAFT that starts by itself at {@code at}: after {@code now}, at most {@link #MAX_SCHEDULE_AHEAD} ahead. */
    public void scheduleStart(Instant at, Instant now) {
        if (state != RolloutState.DRAFT) {
            throw new IllegalStateException("only a DRAFT rollout is scheduled; this one is " + state);
        }
        if (!at.isAfter(now) || at.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
            throw new IllegalArgumentException("a start time is in the future, at most 366 days ahead");
        }
        this.startAt = at;
    }

    /** When a DRAFT starts by itself; null when it waits for an administrator. */
    public Instant startAt() {
        return startAt;
    }

    /** Paused by an administrator, or by the threshold with the offers made up to the crossing. */
    public void pause(PauseReason reason, long offersSoFar, Instant now) {
        move(RolloutState.RUNNING, RolloutState.PAUSED, now);
        this.pauseReason = Objects.requireNonNull(reason, "reason");
        this.offersAtPause = offersSoFar;
    }

    /**
     * Runs again; the administrator accepts the failures counted so far ({@code failed} of {@code terminal}), so the
     * threshold judges only what comes after.
     */
    public void resume(long failed, long terminal, Instant now) {
        move(RolloutState.PAUSED, RolloutState.RUNNING, now);
        this.pauseReason = null;
        this.forgivenFailed = failed;
        this.forgivenTerminal = terminal;
    }

    public void stop(Instant now) {
        if (state == RolloutState.STOPPED || state == RolloutState.FINISHED) {
            throw new IllegalStateException("the rollout is " + state + " already");
        }
        state = RolloutState.STOPPED;
        changedAt = now;
    }

    public void finish(Instant now) {
        move(RolloutState.RUNNING, RolloutState.FINISHED, now);
    }

    private void move(RolloutState from, RolloutState to, Instant now) {
        if (state != from) {
            throw new IllegalStateException("a rollout goes " + from + " -> " + to + " only; this one is " + state);
        }
        state = to;
        changedAt = now;
    }

    public ErrorThreshold threshold() {
        return new ErrorThreshold(errorPercent, minExecuted, absoluteMax);
    }

    public Long id() {
        return id;
    }

    public long releaseId() {
        return releaseId;
    }

    public RolloutState state() {
        return state;
    }

    public PauseReason pauseReason() {
        return pauseReason;
    }

    public int successPercent() {
        return successPercent;
    }

    public Duration actionTimeout() {
        return Duration.ofSeconds(actionTimeoutSeconds);
    }

    public int maxOffersPerMinute() {
        return maxOffersPerMinute;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public long forgivenFailed() {
        return forgivenFailed;
    }

    public long forgivenTerminal() {
        return forgivenTerminal;
    }

    /** Offers made when the threshold paused the rollout; none is made while it stays paused. */
    public Long offersAtPause() {
        return offersAtPause;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant changedAt() {
        return changedAt;
    }

    @Override
    public String toString() {
        return "Rollout[" + id + " release " + releaseId + " " + state + "]";
    }
}
