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

/** One stage of a rollout: its devices are offered the release only while the group is RUNNING. */
@Entity
@Table(name = "rollout_group")
@NamedQuery(
        name = RolloutGroup.FIND_BY_ROLLOUT,
        query = "SELECT g FROM RolloutGroup g WHERE g.rolloutId = :rollout ORDER BY g.position")
public class RolloutGroup {

    public static final String FIND_BY_ROLLOUT = "RolloutGroup.findByRollout";

    @Id
    @SequenceGenerator(name = "rollout_group_seq", sequenceName = "rollout_group_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "rollout_group_seq")
    @Column(name = "id")
    private Long id;

    @Column(name = "rollout_id", nullable = false)
    private long rolloutId;

    @Column(name = "position", nullable = false)
    private int position;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false, length = 16)
    private GroupState state;

    @Column(name = "size", nullable = false)
    private int size;

    @Column(name = "forgiven_failed", nullable = false)
    private long forgivenFailed;

    @Column(name = "forgiven_terminal", nullable = false)
    private long forgivenTerminal;

    protected RolloutGroup() {
        // for JPA
    }

    public RolloutGroup(long rolloutId, int position, int size) {
        if (position < 0 || size < 0) {
            throw new IllegalArgumentException("position and size must not be negative");
        }
        this.rolloutId = rolloutId;
        this.position = position;
        this.size = size;
        this.state = GroupState.SCHEDULED;
    }

    public void start() {
        if (state != GroupState.SCHEDULED) {
            throw new IllegalStateException("group " + position + " is " + state);
        }
        state = GroupState.RUNNING;
    }

    public void succeed() {
        requireRunning();
        state = GroupState.SUCCEEDED;
    }

    public void fail() {
        requireRunning();
        state = GroupState.FAILED;
    }

    /** After a resume: runs again, judged only on what comes after the failures accepted now. */
    public void resume(long failed, long terminal) {
        if (state != GroupState.FAILED) {
            throw new IllegalStateException("group " + position + " is " + state);
        }
        state = GroupState.RUNNING;
        forgivenFailed = failed;
        forgivenTerminal = terminal;
    }

    private void requireRunning() {
        if (state != GroupState.RUNNING) {
            throw new IllegalStateException("group " + position + " is " + state);
        }
    }

    public Long id() {
        return id;
    }

    public long rolloutId() {
        return rolloutId;
    }

    public int position() {
        return position;
    }

    public GroupState state() {
        return state;
    }

    public int size() {
        return size;
    }

    public long forgivenFailed() {
        return forgivenFailed;
    }

    public long forgivenTerminal() {
        return forgivenTerminal;
    }
}
