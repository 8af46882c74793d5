package org.devicetrust.firmware.boundary;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.firmware.control.RolloutThresholds;
import org.devicetrust.firmware.control.RolloutThresholds.ErrorThreshold;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.GroupState;
import org.devicetrust.firmware.entity.ReleaseState;
import org.devicetrust.firmware.entity.Rollout;
import org.devicetrust.firmware.entity.RolloutGroup;
import org.devicetrust.firmware.entity.RolloutState;
import org.devicetrust.firmware.entity.UpdateExecution;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * Rollouts of an approved release: created over named devices cut into staged groups, started, paused, resumed and
 * stopped by administrators. Every change takes the rollout row's lock, as the device path does (DeviceUpdates),
 * and is audited, refusals too.
 */
@Stateless
public class Rollouts {

    /** The most devices one rollout targets (one bounded transaction creates it; the fleet size the design names). */
    public static final int MAX_DEVICES = 100_000;

    /** Ids per IN list and per flush while a rollout is created (PostgreSQL: at most 32,767 bind parameters). */
    static final int CHUNK = 1000;

    /**
     * A rollout as an administrator asks for it (OTA design 3.5): the devices named by id, then every ACTIVE device
     * whose id or name contains {@code deviceFilter} (when given), each once.
     */
    public record RolloutRequest(
            long releaseId,
            List<String> deviceIds,
            String deviceFilter,
            List<Integer> groupPercents,
            int successPercent,
            int errorPercent,
            int minExecuted,
            int absoluteMax,
            int actionTimeoutSeconds,
            int maxOffersPerMinute,
            int chunkSize,
            List<Integer> groupCounts) {}

    /** A group with its counts. */
    public record GroupProgress(RolloutGroup group, ExecutionCounts counts) {}

    @PersistenceContext
    EntityManager em;

    @EJB
    AuditLog auditLog;

    @EJB
    DeviceRegistry devices;

    @Resource
    SessionContext context;

    @Inject
    Clock clock;

    @Inject
    SecureRandom random;

    /**
     * @throws FirmwareException rollout-invalid, release-unknown, release-not-approved, device-unknown (a named
     *     device is not registered or not ACTIVE), device-update-open
     */
    @RolesAllowed("admin")
    public Rollout create(RolloutRequest request) {
        return create(request, null);
    }

    /**
     * {@link #create(RolloutRequest)}, as a DRAFT that the timer starts at {@code startAt} (null: an administrator
     * starts it). An administrator may still start it earlier, or stop it.
     *
     * @throws FirmwareException as {@link #create(RolloutRequest)}; for a start time that is not
     *     in the future or more than 366 days ahead (rollout-invalid)
     */
    @RolesAllowed("admin")
    public Rollout create(RolloutRequest request, Instant startAt) {
        String caller = caller();
        try {
            if (request == null
                    || request.deviceIds() == null
                    || (request.groupPercents() == null) == (request.groupCounts() == null)) {
                throw invalid("a rollout names a release, its devices and its groups, by percent or by count");
            }
            Instant now = clock.instant();
            if (startAt != null && (!startAt.isAfter(now) || startAt.isAfter(now.plus(Rollout.MAX_SCHEDULE_AHEAD)))) {
                throw invalid("a start time is in the future, at most 366 days ahead; " + startAt + " is not");
            }
            List<String> ids = new ArrayList<>(request.deviceIds());
            if (ids.size() > MAX_DEVICES || new HashSet<>(ids).size() != ids.size()) {
                throw invalid("a rollout names 1 to " + MAX_DEVICES + " devices, each once");
            }
            if (request.deviceFilter() != null && !request.deviceFilter().isBlank()) {
                if (request.deviceFilter().length() > 100) {
                    throw invalid("a device filter is at most 100 characters");
                }
                Set<String> named = new HashSet<>(ids);
                for (String id : devices.idsMatching(request.deviceFilter(), DeviceStatus.ACTIVE, MAX_DEVICES + 1)) {
                    if (named.add(id)) {
                        ids.add(id);
                    }
                }
            }
            if (ids.isEmpty() || ids.size() > MAX_DEVICES) {
                throw invalid("a rollout targets 1 to " + MAX_DEVICES + " devices; it would target " + ids.size());
            }
            List<Integer> sizes;
            Rollout rollout;
            try {
                sizes = request.groupCounts() != null
                        ? RolloutThresholds.groupSizesByCount(ids.size(), request.groupCounts())
                        : RolloutThresholds.groupSizes(ids.size(), request.groupPercents());
                rollout = new Rollout(
                        request.releaseId(),
                        request.successPercent(),
                        new ErrorThreshold(request.errorPercent(), request.minExecuted(), request.absoluteMax()),
                        Duration.ofSeconds(Math.max(0, request.actionTimeoutSeconds())),
                        request.maxOffersPerMinute(),
                        request.chunkSize(),
                        caller,
                        now);
                if (startAt != null) {
                    rollout.scheduleStart(startAt, now);
                }
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            FirmwareRelease release = em.find(FirmwareRelease.class, request.releaseId());
            if (release == null) {
                throw new FirmwareException(ProblemType.RELEASE_UNKNOWN, "no firmware release " + request.releaseId());
            }
            if (release.state() != ReleaseState.APPROVED) {
                throw new FirmwareException(
                        ProblemType.RELEASE_NOT_APPROVED,
                        "release " + release.id() + " is " + release.state()
                                + "; only an APPROVED release is rolled out");
            }
            List<String> notActive = devices.notWithStatus(ids, DeviceStatus.ACTIVE);
            if (!notActive.isEmpty()) {
                throw new FirmwareException(
                        ProblemType.DEVICE_UNKNOWN,
                        notActive.size() == 1
                                ? "device '" + notActive.get(0) + "' is not an ACTIVE device"
                                : notActive.size() + " devices are not ACTIVE devices, among them '"
                                        + String.join("', '", notActive.subList(0, Math.min(5, notActive.size())))
                                        + "'");
            }
            List<String> busy = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                busy.addAll(em.createNamedQuery(UpdateExecution.FIND_OPEN_AMONG, String.class)
                        .setParameter("devices", ids.subList(from, Math.min(ids.size(), from + CHUNK)))
                        .getResultList());
            }
            if (!busy.isEmpty()) {
                throw new FirmwareException(
                        ProblemType.DEVICE_UPDATE_OPEN,
                        busy.size() + " devices have an open update: "
                                + String.join(", ", busy.subList(0, Math.min(20, busy.size())))
                                + (busy.size() > 20 ? ", ..." : ""));
            }
            try {
                em.persist(rollout);
                int next = 0;
                for (int position = 0; position < sizes.size(); position++) {
                    RolloutGroup group = new RolloutGroup(rollout.id(), position, sizes.get(position));
                    em.persist(group);
                    for (int i = 0; i < sizes.get(position); i++) {
                        byte[] updateId = new byte[16];
                        random.nextBytes(updateId);
                        em.persist(new UpdateExecution(updateId, rollout.id(), group.id(), ids.get(next++)));
                        if (next % CHUNK == 0) { // written and let go: the context never holds 100,000 entities
                            em.flush();
                            em.clear();
                        }
                    }
                }
                em.flush();
            } catch (PersistenceException e) {
                if (isUniqueViolation(e)) { // a creation over the same devices got past the check above too
                    throw new FirmwareException(
                            ProblemType.DEVICE_UPDATE_OPEN,
                            "another rollout took some of these devices while this one was being created; this"
                                    + " one was not created");
                }
                throw e;
            }
            audit(
                    caller,
                    AuditAction.ROLLOUT_CREATED,
                    rollout.id(),
                    AuditOutcome.SUCCESS,
                    "release " + release.id() + ", " + ids.size() + " devices in groups " + sizes
                            + (startAt == null ? "" : ", starts at " + startAt));
            return rollout;
        } catch (FirmwareException e) {
            auditLog.record(
                    caller,
                    AuditAction.ROLLOUT_CREATED,
                    "rollout:new",
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /** DRAFT -> RUNNING; the first non-empty group starts. @throws FirmwareException rollout-unknown, rollout-state-invalid */
    @RolesAllowed("admin")
    public Rollout start(long id) {
        return change(id, AuditAction.ROLLOUT_STARTED, (rollout, now) -> {
            startNow(rollout, now);
            return "started";
        });
    }

    /**
     * Starts the DRAFT rollouts whose start time has come (at most {@code limit}), each in this transaction with
     * its row locked, so that of several nodes' timers one starts it and the others find it RUNNING. Returns how
     * many it started.
     */
    @PermitAll
    public int startDue(int limit) {
        Instant now = clock.instant();
        List<Long> due = em.createNamedQuery(Rollout.FIND_DUE, Long.class)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList();
        int started = 0;
        for (long id : due) {
            Rollout rollout = em.find(Rollout.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (rollout.state() != RolloutState.DRAFT
                    || rollout.startAt() == null
                    || rollout.startAt().isAfter(now)) {
                continue; // started, stopped or rescheduled meanwhile
            }
            startNow(rollout, now);
            em.flush();
            audit(
                    DeviceUpdates.SYSTEM,
                    AuditAction.ROLLOUT_STARTED,
                    id,
                    AuditOutcome.SUCCESS,
                    "started at its scheduled time " + rollout.startAt());
            started++;
        }
        return started;
    }

    private void startNow(Rollout rollout, Instant now) {
        rollout.start(now);
        groups(rollout.id()).stream().filter(g -> g.size() > 0).findFirst().ifPresent(RolloutGroup::start);
    }

    /** RUNNING -> PAUSED (manual): no new offers. */
    @RolesAllowed("admin")
    public Rollout pause(long id) {
        return change(id, AuditAction.ROLLOUT_PAUSED, (rollout, now) -> {
            rollout.pause(Rollout.PauseReason.MANUAL, offered(rollout.id()), now);
            return "paused by an administrator";
        });
    }

    /**
     * PAUSED -> RUNNING; a group the threshold failed runs again. The failures counted so far are accepted: the
     * threshold judges what comes after.
     */
    @RolesAllowed("admin")
    public Rollout resume(long id) {
        return change(id, AuditAction.ROLLOUT_RESUMED, (rollout, now) -> {
            ExecutionCounts all = ExecutionCounts.ofRollout(em, rollout.id());
            rollout.resume(all.failed(), all.terminal(), now);
            for (RolloutGroup g : groups(rollout.id())) {
                if (g.state() == GroupState.FAILED) {
                    ExecutionCounts c = ExecutionCounts.ofGroup(em, g.id());
                    g.resume(c.failed(), c.terminal());
                }
            }
            return "resumed; accepted " + all.failed() + " failed of " + all.terminal();
        });
    }

    /**
     * -> STOPPED. Every update whose image is still being fetched is CANCELED at once: queued ones are never
     * offered, and a device that was offered one or is downloading it is answered 410 on its next chunk and abandons
     * it, so the device is free for another rollout. An update DOWNLOADED or INSTALLING (the device has the whole
     * image and may be booting it on trial) stays open: its final report, or its timeout, ends it.
     */
    @RolesAllowed("admin")
    public Rollout stop(long id) {
        return change(id, AuditAction.ROLLOUT_STOPPED, (rollout, now) -> {
            rollout.stop(now);
            int canceled = em.createNamedQuery(UpdateExecution.CANCEL_BEFORE_DOWNLOADED)
                    .setParameter("canceled", ExecutionState.CANCELED)
                    .setParameter(
                            "cancelable",
                            List.of(ExecutionState.QUEUED, ExecutionState.OFFERED, ExecutionState.DOWNLOADING))
                    .setParameter("now", now)
                    .setParameter("rollout", rollout.id())
                    .executeUpdate();
            return "stopped; " + canceled + " updates not yet downloaded canceled";
        });
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public Rollout find(long id) {
        Rollout rollout = em.find(Rollout.class, id);
        if (rollout == null) {
            throw unknown(id);
        }
        return rollout;
    }

    /** Rollouts, newest first, one page ({@code size} capped at the audit log's page size). */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<Rollout> list(int first, int size) {
        return em.createNamedQuery(Rollout.FIND_ALL, Rollout.class)
                .setFirstResult(Math.max(0, first))
                .setMaxResults(Math.max(1, Math.min(size, AuditLog.MAX_PAGE_SIZE)))
                .getResultList();
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public List<GroupProgress> progress(long id) {
        find(id);
        return groups(id).stream()
                .map(g -> new GroupProgress(g, ExecutionCounts.ofGroup(em, g.id())))
                .toList();
    }

    @RolesAllowed({"admin", "operator", "auditor"})
    public ExecutionCounts counts(long id) {
        find(id);
        return ExecutionCounts.ofRollout(em, id);
    }

    /** The rollout's device updates (at most {@link #MAX_DEVICES}), by device id; only those in {@code state}. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<UpdateExecution> executions(long id, ExecutionState state) {
        return executions(id, state, 0, MAX_DEVICES);
    }

    /** One page of the rollout's device updates, by device id; only those in {@code state} unless it is null. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<UpdateExecution> executions(long id, ExecutionState state, int first, int max) {
        find(id);
        return (state == null
                        ? em.createNamedQuery(UpdateExecution.FIND_BY_ROLLOUT, UpdateExecution.class)
                        : em.createNamedQuery(UpdateExecution.FIND_BY_ROLLOUT_AND_STATE, UpdateExecution.class)
                                .setParameter("state", state))
                .setParameter("rollout", id)
                .setFirstResult(Math.max(0, first))
                .setMaxResults(Math.max(1, Math.min(max, MAX_DEVICES)))
                .getResultList();
    }

    private interface Change {
        String apply(Rollout rollout, Instant now);
    }

    private Rollout change(long id, AuditAction action, Change change) {
        String caller = caller();
        try {
            Rollout rollout = em.find(Rollout.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (rollout == null) {
                throw unknown(id);
            }
            String detail;
            try {
                detail = change.apply(rollout, clock.instant());
            } catch (IllegalStateException e) {
                throw new FirmwareException(ProblemType.ROLLOUT_STATE_INVALID, e.getMessage());
            }
            em.flush();
            audit(caller, action, id, AuditOutcome.SUCCESS, detail);
            return rollout;
        } catch (FirmwareException e) {
            audit(caller, action, id, AuditOutcome.FAILURE, e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * The database refused a second open update of a device to a creation that raced another over the same
     * devices: a duplicate key (SQLSTATE 23505, PostgreSQL and H2 alike), or the deadlock of two creations that
     * each hold some of the devices (40P01: the database writes a flush's rows in key order, not device order,
     * and aborts one of the two; the other goes on).
     */
    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql
                    && ("23505".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private List<RolloutGroup> groups(long rolloutId) {
        return em.createNamedQuery(RolloutGroup.FIND_BY_ROLLOUT, RolloutGroup.class)
                .setParameter("rollout", rolloutId)
                .getResultList();
    }

    private long offered(long rolloutId) {
        return em.createNamedQuery(UpdateExecution.COUNT_OFFERED, Long.class)
                .setParameter("rollout", rolloutId)
                .getSingleResult();
    }

    private static FirmwareException invalid(String message) {
        return new FirmwareException(ProblemType.ROLLOUT_INVALID, message);
    }

    private static FirmwareException unknown(long id) {
        return new FirmwareException(ProblemType.ROLLOUT_UNKNOWN, "no rollout " + id);
    }

    private void audit(String caller, AuditAction action, long rolloutId, AuditOutcome outcome, String detail) {
        auditLog.record(caller, action, "rollout:" + rolloutId, outcome, detail);
    }

    private String caller() {
        return AuditLog.nameOf(context.getCallerPrincipal());
    }
}
