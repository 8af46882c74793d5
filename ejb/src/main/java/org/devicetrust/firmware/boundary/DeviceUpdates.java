package org.devicetrust.firmware.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.boundary.DeviceAccess.DeviceAuthentication;
import org.devicetrust.firmware.control.RolloutThresholds;
import org.devicetrust.firmware.control.UpdateOffer;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.GroupState;
import org.devicetrust.firmware.entity.ReleaseState;
import org.devicetrust.firmware.entity.Rollout;
import org.devicetrust.firmware.entity.RolloutGroup;
import org.devicetrust.firmware.entity.RolloutState;
import org.devicetrust.firmware.entity.RunningFirmware;
import org.devicetrust.firmware.entity.UpdateExecution;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * The device side of rollouts: the offer a device is given when it polls, and the status it reports. The caller
 * (the device API) has authenticated the device and checked it is ACTIVE. An offer and a report of one rollout
 * both lock the rollout row, so the threshold decided inside the report that crosses it is seen by every later
 * offer: not one offer is made after the crossing.
 */
@Stateless
public class DeviceUpdates {

    static final String SYSTEM = "system";

    /**
     * The code of an update refused for a security version below the device's eFuse counter: the device's own
     * code for that refusal ({@code FW_ERR_ROLLBACK} in firmware/include/fw/err.h), so both refusals read alike.
     */
    public static final int ROLLBACK_CODE = -13;

    /**
     * What a device reports about an update ({@code POST /api/v1/device/update/{id}/status}): the report's number,
     * the update's state, the download offset, a device error code, and what the device runs now (app version,
     * build id, anti-rollback counter).
     */
    public record StatusReport(
            long seq, String state, long offset, int code, long runningVersion, String buildId, int efuseSv) {}

    @PersistenceContext
    EntityManager em;

    @EJB
    AuditLog auditLog;

    @Inject
    Clock clock;

    @EJB
    DeviceAccess access;

    @EJB
    UpdateImages images;

    /**
     * The device API's poll ({@code GET /api/v1/device/update}): opens only for an authentication that
     * {@link DeviceAccess#authorize} accepts (certificate good, device ACTIVE), then {@link #offerFor(String)} for
     * that device. No container role is asked for: the authentication is the credential, as on
     * {@code /api/v1/device/session}. Returns the offer's 336 bytes as the device receives them.
     */
    @PermitAll
    public Optional<byte[]> offerFor(DeviceAuthentication who) {
        DeviceAccess.AuthorizedDevice device = access.authorize(who, null, "GET update");
        return offerFor(device.id().value()).map(UpdateOffer::encode); // the wire form: web reaches no control
    }

    /**
     * The device's open offer (the same update id each time), or a new one from a RUNNING group of a RUNNING
     * rollout within its offer rate; empty when there is nothing to offer now. A queued update whose release has a
     * security version below the eFuse counter the device last reported is never offered: it ends REJECTED with
     * {@link #ROLLBACK_CODE} (counted as a failure, as the device's own refusal would be).
     */
    @RolesAllowed({"device", "admin"})
    public Optional<UpdateOffer> offerFor(String deviceId) {
        List<UpdateExecution> open = em.createNamedQuery(UpdateExecution.FIND_OPEN_BY_DEVICE, UpdateExecution.class)
                .setParameter("device", deviceId)
                .getResultList();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        UpdateExecution execution = open.get(0);
        Rollout rollout = em.find(Rollout.class, execution.rolloutId(), LockModeType.PESSIMISTIC_WRITE);
        em.refresh(execution);
        FirmwareRelease release = em.find(FirmwareRelease.class, rollout.releaseId());
        if (release.state() != ReleaseState.APPROVED || !execution.isOpen()) {
            return Optional.empty();
        }
        if (execution.state() != ExecutionState.QUEUED) {
            return Optional.of(offerOf(execution, rollout, release));
        }
        RolloutGroup group = em.find(RolloutGroup.class, execution.groupId());
        if (rollout.state() != RolloutState.RUNNING || group.state() != GroupState.RUNNING) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        RunningFirmware running = em.find(RunningFirmware.class, deviceId);
        if (running != null && release.securityVersion() < running.securityVersion()) {
            // The device would refuse it before the download, and its bootloader would never boot it: not offered,
            // and ended as the device would end it, so it counts against the thresholds the same way.
            execution.refuse(ROLLBACK_CODE, now);
            auditLog.record(
                    deviceId,
                    AuditAction.UPDATE_OFFERED,
                    "update:" + execution.id(),
                    AuditOutcome.FAILURE,
                    "REJECTED, not offered: release " + release.id() + " has security version "
                            + release.securityVersion() + ", below the device's reported eFuse counter "
                            + running.securityVersion());
            judge(rollout, execution);
            return Optional.empty();
        }
        long lastMinute = em.createNamedQuery(UpdateExecution.COUNT_OFFERED_SINCE, Long.class)
                .setParameter("rollout", rollout.id())
                .setParameter("since", now.minus(Duration.ofMinutes(1)))
                .getSingleResult();
        if (lastMinute >= rollout.maxOffersPerMinute()) {
            return Optional.empty();
        }
        execution.offer(now, now.plus(rollout.actionTimeout()));
        em.flush();
        auditLog.record(
                deviceId,
                AuditAction.UPDATE_OFFERED,
                "update:" + execution.id(),
                AuditOutcome.SUCCESS,
                "rollout " + rollout.id() + " group " + group.position() + ", release " + release.id());
        return Optional.of(offerOf(execution, rollout, release));
    }

    /**
     * The device API's status report ({@code POST /api/v1/device/update/{id}/status}): opens only for an
     * authentication that {@link DeviceAccess#authorize} accepts, then {@link #report(String, String, StatusReport)}
     * for that device.
     */
    @PermitAll
    public void report(DeviceAuthentication who, String updateId, StatusReport report) {
        DeviceAccess.AuthorizedDevice device = access.authorize(who, null, "POST update status");
        report(device.id().value(), updateId, report);
    }

    /** One update of a device, with the release it brings: a row of the device's update history. */
    public record HistoryEntry(UpdateExecution update, long releaseId, long version, int securityVersion) {}

    /** The most updates {@link #history} returns. */
    public static final int MAX_HISTORY = 50;

    /** The device's updates, newest rollout first, at most {@code limit} (capped at {@link #MAX_HISTORY}). */
    @RolesAllowed({"admin", "operator", "auditor"})
    public List<HistoryEntry> history(String deviceId, int limit) {
        if (deviceId == null) {
            return List.of();
        }
        List<Object[]> rows = em.createNamedQuery(UpdateExecution.FIND_HISTORY_OF_DEVICE, Object[].class)
                .setParameter("device", deviceId)
                .setMaxResults(Math.max(1, Math.min(limit, MAX_HISTORY)))
                .getResultList();
        return rows.stream()
                .map(r -> new HistoryEntry(
                        (UpdateExecution) r[0],
                        ((Number) r[1]).longValue(),
                        ((Number) r[2]).longValue(),
                        ((Number) r[3]).intValue()))
                .toList();
    }

    /** What the device last reported running, if it ever reported. */
    @RolesAllowed({"admin", "operator", "auditor"})
    public Optional<RunningFirmware> runningFirmware(String deviceId) {
        return Optional.ofNullable(deviceId == null ? null : em.find(RunningFirmware.class, deviceId));
    }

    /**
     * Applies a status report, idempotent by (update id, seq): a repeated or lower seq changes nothing. A terminal
     * report is counted and the thresholds are judged in this transaction, with the rollout row locked. SUCCEEDED
     * counts only when the running version and build id are the release's (the new image reporting); otherwise the
     * report is recorded and the update stays open. A fresh report (seq above the last applied one) also records
     * what the device runs ({@link RunningFirmware}).
     *
     * @throws FirmwareException update-unknown (no such update of this device, or not offered yet),
     *     update-status-invalid
     */
    @RolesAllowed({"device", "admin"})
    public void report(String deviceId, String updateId, StatusReport report) {
        try {
            ExecutionState state = reportedState(report);
            UpdateExecution found = UpdateImages.isUpdateId(updateId) ? em.find(UpdateExecution.class, updateId) : null;
            if (found == null || !found.deviceId().equals(deviceId) || found.state() == ExecutionState.QUEUED) {
                throw new FirmwareException(ProblemType.UPDATE_UNKNOWN, "this device has no such update");
            }
            Rollout rollout = em.find(Rollout.class, found.rolloutId(), LockModeType.PESSIMISTIC_WRITE);
            em.refresh(found);
            if (report.seq() > found.lastSeq()) {
                recordRunning(deviceId, found.id(), report);
            }
            FirmwareRelease release = em.find(FirmwareRelease.class, rollout.releaseId());
            if (state == ExecutionState.SUCCEEDED
                    && (report.runningVersion() != release.version()
                            || !release.buildId().equals(report.buildId()))) {
                auditLog.record(
                        deviceId,
                        AuditAction.UPDATE_STATUS_REPORTED,
                        "update:" + found.id(),
                        AuditOutcome.FAILURE,
                        "SUCCEEDED from version " + report.runningVersion() + " build " + report.buildId()
                                + " is not release " + release.id() + ": not counted");
                return;
            }
            long before = found.lastSeq();
            boolean ended = found.report(report.seq(), state, report.code(), clock.instant());
            if (found.lastSeq() == before) {
                return; // a repeat or a late report: counted once already
            }
            auditLog.record(
                    deviceId,
                    AuditAction.UPDATE_STATUS_REPORTED,
                    "update:" + found.id(),
                    AuditOutcome.SUCCESS,
                    "seq " + report.seq() + " " + state + " code " + report.code());
            if (ended) {
                judge(rollout, found);
            }
        } catch (FirmwareException e) {
            auditLog.record(
                    deviceId,
                    AuditAction.UPDATE_STATUS_REPORTED,
                    "update:" + updateId,
                    AuditOutcome.FAILURE,
                    e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /**
     * Marks TIMED_OUT every offered update without a terminal report past its deadline (at most {@code limit} per
     * call) and judges the thresholds, as a failing report would. Returns how many timed out.
     */
    @PermitAll
    public int timeOutExpired(int limit) {
        Instant now = clock.instant();
        List<UpdateExecution> expired = em.createNamedQuery(UpdateExecution.FIND_EXPIRED, UpdateExecution.class)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList();
        List<UpdateExecution> done = new ArrayList<>();
        for (UpdateExecution candidate : expired) {
            Rollout rollout = em.find(Rollout.class, candidate.rolloutId(), LockModeType.PESSIMISTIC_WRITE);
            em.refresh(candidate);
            if (!candidate.isOpen()
                    || candidate.state() == ExecutionState.QUEUED
                    || !candidate.deadline().isBefore(now)) {
                continue;
            }
            candidate.timeOut(now);
            done.add(candidate);
            judge(rollout, candidate);
        }
        for (UpdateExecution e : done) {
            auditLog.record(
                    SYSTEM,
                    AuditAction.UPDATE_TIMED_OUT,
                    "update:" + e.id(),
                    AuditOutcome.SUCCESS,
                    "device " + e.deviceId() + ", no terminal report by " + e.deadline());
        }
        return done.size();
    }

    /** The thresholds after one more terminal execution, with the rollout row locked by the caller. */
    private void judge(Rollout rollout, UpdateExecution ended) {
        em.flush();
        if (rollout.state() != RolloutState.RUNNING) {
            return;
        }
        RolloutGroup group = em.find(RolloutGroup.class, ended.groupId());
        ExecutionCounts inGroup = ExecutionCounts.ofGroup(em, group.id());
        ExecutionCounts inRollout = ExecutionCounts.ofRollout(em, rollout.id());
        Instant now = clock.instant();
        boolean groupCrossed = RolloutThresholds.crossed(
                rollout.threshold(),
                inGroup.failed() - group.forgivenFailed(),
                inGroup.terminal() - group.forgivenTerminal());
        boolean rolloutCrossed = RolloutThresholds.crossed(
                rollout.threshold(),
                inRollout.failed() - rollout.forgivenFailed(),
                inRollout.terminal() - rollout.forgivenTerminal());
        if (group.state() == GroupState.RUNNING && (groupCrossed || rolloutCrossed)) {
            pauseByThreshold(rollout, group, inGroup, inRollout, now);
            return;
        }
        if (group.state() != GroupState.RUNNING) {
            return;
        }
        if (RolloutThresholds.groupSucceeded(rollout.successPercent(), inGroup.succeeded(), group.size())) {
            group.succeed();
            RolloutGroup next = em
                    .createNamedQuery(RolloutGroup.FIND_BY_ROLLOUT, RolloutGroup.class)
                    .setParameter("rollout", rollout.id())
                    .getResultList()
                    .stream()
                    .filter(g -> g.state() == GroupState.SCHEDULED && g.size() > 0)
                    .findFirst()
                    .orElse(null);
            if (next != null) {
                next.start();
            } else if (inRollout.open() == 0) {
                rollout.finish(now);
                em.flush();
                auditLog.record(
                        SYSTEM,
                        AuditAction.ROLLOUT_FINISHED,
                        "rollout:" + rollout.id(),
                        AuditOutcome.SUCCESS,
                        inRollout.succeeded() + " succeeded, " + inRollout.failed() + " failed");
            }
        } else if (inGroup.open() == 0) {
            pauseByThreshold(rollout, group, inGroup, inRollout, now); // every device done, too few succeeded
        }
    }

    private void pauseByThreshold(
            Rollout rollout, RolloutGroup group, ExecutionCounts inGroup, ExecutionCounts inRollout, Instant now) {
        long offered = em.createNamedQuery(UpdateExecution.COUNT_OFFERED, Long.class)
                .setParameter("rollout", rollout.id())
                .getSingleResult();
        group.fail();
        rollout.pause(Rollout.PauseReason.THRESHOLD, offered, now);
        em.flush();
        auditLog.record(
                SYSTEM,
                AuditAction.ROLLOUT_PAUSED,
                "rollout:" + rollout.id(),
                AuditOutcome.SUCCESS,
                "threshold: group " + group.position() + " " + inGroup.failed() + " failed of " + inGroup.terminal()
                        + ", rollout " + inRollout.failed() + " of " + inRollout.terminal() + "; " + offered
                        + " offers made");
    }

    private void recordRunning(String deviceId, String updateId, StatusReport report) {
        RunningFirmware running = em.find(RunningFirmware.class, deviceId);
        if (running == null) {
            running = new RunningFirmware(deviceId);
            running.report(report.runningVersion(), report.buildId(), report.efuseSv(), updateId, clock.instant());
            em.persist(running);
        } else {
            running.report(report.runningVersion(), report.buildId(), report.efuseSv(), updateId, clock.instant());
        }
    }

    /** The offer, its manifest and signature block from the image in memory (not a read of the image column). */
    private UpdateOffer offerOf(UpdateExecution execution, Rollout rollout, FirmwareRelease release) {
        return UpdateOffer.of(
                execution.updateId(),
                rollout.chunkSize(),
                images.signedImage(release.id(), release.manifestDigest(), release.imageLength()));
    }

    private static ExecutionState reportedState(StatusReport report) {
        if (report == null || report.seq() < 1 || report.state() == null) {
            throw new FirmwareException(ProblemType.UPDATE_STATUS_INVALID, "a status report has seq >= 1 and a state");
        }
        if (report.offset() < 0
                || report.runningVersion() < 0
                || report.runningVersion() > 0xffff_ffffL
                || report.efuseSv() < 0
                || report.efuseSv() > RunningFirmware.MAX_SECURITY_VERSION
                || report.buildId() == null
                || report.buildId().length() > RunningFirmware.MAX_BUILD_ID_LENGTH
                || !report.buildId().chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new FirmwareException(
                    ProblemType.UPDATE_STATUS_INVALID,
                    "offset >= 0, runningVersion 0..4294967295, buildId at most 32 printable ASCII characters,"
                            + " efuseSv 0..64");
        }
        try {
            ExecutionState state = ExecutionState.valueOf(report.state());
            if (state == ExecutionState.QUEUED
                    || state == ExecutionState.OFFERED
                    || state == ExecutionState.TIMED_OUT
                    || state == ExecutionState.CANCELED) {
                throw new IllegalArgumentException(report.state());
            }
            return state;
        } catch (IllegalArgumentException e) {
            throw new FirmwareException(
                    ProblemType.UPDATE_STATUS_INVALID,
                    "state must be one of DOWNLOADING, DOWNLOADED, INSTALLING, SUCCEEDED, REVERTED, FAILED, REJECTED");
        }
    }
}
