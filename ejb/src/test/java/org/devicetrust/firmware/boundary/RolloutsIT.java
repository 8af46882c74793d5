package org.devicetrust.firmware.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.firmware.control.UpdateOffer;
import org.devicetrust.firmware.entity.ExecutionState;
import org.devicetrust.firmware.entity.FirmwareRelease;
import org.devicetrust.firmware.entity.GroupState;
import org.devicetrust.firmware.entity.Rollout;
import org.devicetrust.firmware.entity.RolloutState;
import org.devicetrust.firmware.entity.UpdateExecution;
import org.devicetrust.it.ItDeployment;
import org.devicetrust.it.ItFixtures;
import org.devicetrust.platform.boundary.ProblemType;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rollouts and device executions inside Payara Micro, against PostgreSQL: thresholds, cascade, timeouts. */
@ExtendWith(ArquillianExtension.class)
class RolloutsIT {

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create().addPackages(true, Filters.exclude(".*Test\\.class"), "org.devicetrust.firmware");
    }

    @Inject
    Rollouts rollouts;

    @Inject
    DeviceUpdates updates;

    @Inject
    FirmwareReleases releases;

    @Inject
    FirmwareItFixtures firmwareFixtures;

    @Inject
    ItFixtures fixtures;

    private FirmwareRelease approvedRelease() {
        String build = "it-ro-" + unique();
        int floor = Math.max(0, releases.capacity().highestApproved());
        FirmwareRelease release = releases.createSigned(
                new FirmwareReleases.ReleaseRequest("app", 11, floor, 0x8020_0000L, 0x8020_0000L, build),
                FirmwareReleasesIT.payload(640, build));
        firmwareFixtures.setUploader(release.id(), "other-admin"); // the first release ever is a bump
        return releases.approve(release.id());
    }

    private List<String> devices(int n) {
        String prefix = "ota-" + unique();
        List<String> ids = IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
        ids.forEach(id -> fixtures.registerDevice(id, DeviceStatus.ACTIVE));
        return ids;
    }

    /** {@code n} ACTIVE devices {@code prefix-00000...}, registered in bulk. */
    private List<String> fleet(String prefix, int n) {
        List<String> ids = IntStream.range(0, n)
                .mapToObj(i -> String.format("%s-%05d", prefix, i))
                .toList();
        fixtures.registerDevices(ids);
        return ids;
    }

    private Rollout rollout(
            FirmwareRelease release,
            List<String> ids,
            List<Integer> groups,
            int success,
            int errorPct,
            int min,
            int timeoutSeconds) {
        return rollouts.create(new Rollouts.RolloutRequest(
                release.id(), ids, null, groups, success, errorPct, min, 0, timeoutSeconds, 1000, 4096, null));
    }

    private void report(String device, UpdateOffer offer, long seq, String state, FirmwareRelease release) {
        report(device, offer, seq, state, release, release.securityVersion());
    }

    private void report(
            String device, UpdateOffer offer, long seq, String state, FirmwareRelease release, int efuseCounter) {
        updates.report(
                device,
                hex(offer),
                new DeviceUpdates.StatusReport(seq, state, 0, 0, 11, release.buildId(), efuseCounter));
    }

    static String hex(UpdateOffer offer) {
        return HexFormat.of().formatHex(offer.updateId());
    }

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void thresholdPausesAtTheCrossingNoOfferFollowsAndResumeCascades() {
        FirmwareRelease release = approvedRelease();
        List<String> d = devices(20);
        Rollout created = rollout(release, d, List.of(50, 50), 80, 30, 3, 600);
        assertEquals(RolloutState.DRAFT, created.state());
        assertTrue(updates.offerFor(d.get(0)).isEmpty(), "a draft offers nothing");
        long id = created.id();
        rollouts.start(id);

        assertTrue(updates.offerFor(d.get(10)).isEmpty(), "the second group waits");
        List<UpdateOffer> offers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            offers.add(updates.offerFor(d.get(i)).orElseThrow());
        }
        assertEquals(hex(offers.get(0)), hex(updates.offerFor(d.get(0)).orElseThrow()), "the same open offer");
        assertEquals(release.imageLength(), offers.get(0).imageLength());

        report(d.get(0), offers.get(0), 1, "DOWNLOADING", release);
        report(d.get(0), offers.get(0), 2, "FAILED", release);
        report(d.get(0), offers.get(0), 2, "FAILED", release);
        report(d.get(0), offers.get(0), 1, "DOWNLOADING", release);
        assertEquals(1, rollouts.counts(id).failed(), "a repeated and a late report count once");
        report(d.get(1), offers.get(1), 1, "REVERTED", release);
        updates.report(
                d.get(2), hex(offers.get(2)), new DeviceUpdates.StatusReport(1, "SUCCEEDED", 0, 0, 10, "old", 1));
        assertEquals(0, rollouts.counts(id).succeeded(), "a success from the old image is not counted");
        assertEquals(RolloutState.RUNNING, rollouts.find(id).state(), "2 terminal: below the minimum executed");

        report(d.get(2), offers.get(2), 2, "SUCCEEDED", release); // 2 failed of 3 >= 30 %
        Rollout paused = rollouts.find(id);
        assertEquals(RolloutState.PAUSED, paused.state());
        assertEquals(Rollout.PauseReason.THRESHOLD, paused.pauseReason());
        assertEquals(5, paused.offersAtPause());
        for (int i = 5; i < 20; i++) {
            assertTrue(updates.offerFor(d.get(i)).isEmpty(), "no offer after the crossing: " + d.get(i));
        }
        assertEquals(hex(offers.get(3)), hex(updates.offerFor(d.get(3)).orElseThrow()), "an open update stays open");
        assertEquals(5, offered(id));
        assertEquals(GroupState.FAILED, rollouts.progress(id).get(0).group().state());

        rollouts.resume(id);
        assertEquals(RolloutState.RUNNING, rollouts.find(id).state());
        for (int i = 3; i < 10; i++) {
            UpdateOffer offer = updates.offerFor(d.get(i)).orElseThrow();
            report(d.get(i), offer, 1, "SUCCEEDED", release);
        }
        List<Rollouts.GroupProgress> progress = rollouts.progress(id);
        assertEquals(GroupState.SUCCEEDED, progress.get(0).group().state(), "8 of 10 succeeded: 80 %");
        assertEquals(GroupState.RUNNING, progress.get(1).group().state());
        assertTrue(updates.offerFor(d.get(10)).isPresent(), "the cascade reached the second group");

        FirmwareException busy = assertThrows(
                FirmwareException.class, () -> rollout(release, List.of(d.get(10)), List.of(100), 100, 50, 1, 600));
        assertEquals(ProblemType.DEVICE_UPDATE_OPEN, busy.problem());
        rollouts.stop(id);
        assertEquals(RolloutState.STOPPED, rollouts.find(id).state());
        assertEquals(
                10,
                rollouts.counts(id).of(ExecutionState.CANCELED),
                "9 queued updates and the one offered to the 11th device, not yet downloaded");
        assertTrue(updates.offerFor(d.get(11)).isEmpty());
        assertTrue(updates.offerFor(d.get(10)).isEmpty(), "the canceled offer is not made again");
        long next = rollout(release, List.of(d.get(10)), List.of(100), 100, 50, 1, 600)
                .id();
        rollouts.start(next);
        assertTrue(updates.offerFor(d.get(10)).isPresent(), "a device whose update was canceled takes the next one");
        FirmwareException ended = assertThrows(FirmwareException.class, () -> rollouts.resume(id));
        assertEquals(ProblemType.ROLLOUT_STATE_INVALID, ended.problem());
    }

    @Test
    void concurrentReportsPauseOnceAndNotOneOfferFollowsTheCrossing() throws Exception {
        FirmwareRelease release = approvedRelease();
        List<String> d = devices(20);
        long id = rollout(release, d, List.of(100), 100, 20, 4, 600).id();
        rollouts.start(id);
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                work.add(pool.submit(() -> {
                    int offered = 0;
                    for (int i = first; i < d.size(); i += threads) {
                        Optional<UpdateOffer> offer = updates.offerFor(d.get(i));
                        if (offer.isPresent()) {
                            offered++;
                            report(d.get(i), offer.get(), 1, "DOWNLOADING", release);
                            report(d.get(i), offer.get(), 2, "FAILED", release);
                            report(d.get(i), offer.get(), 2, "FAILED", release);
                        }
                    }
                    return offered;
                }));
            }
            int offeredByThreads = 0;
            for (Future<Integer> f : work) {
                offeredByThreads += f.get(120, TimeUnit.SECONDS);
            }
            Rollout paused = rollouts.find(id);
            assertEquals(RolloutState.PAUSED, paused.state());
            assertEquals(offeredByThreads, offered(id));
            assertEquals(paused.offersAtPause().longValue(), offered(id), "not one offer after the crossing");
            assertTrue(offered(id) < 20, "the pause left devices unoffered: " + offered(id));
            assertEquals(offered(id), rollouts.counts(id).failed(), "every duplicate counted once");
            long pauses = fixtures.auditRecordsAbout("rollout:" + id).stream()
                    .filter(r -> r[2].equals("ROLLOUT_PAUSED"))
                    .count();
            assertEquals(1, pauses, "paused once");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSilentDeviceTimesOutAndCountsAsFailed() throws Exception {
        FirmwareRelease release = approvedRelease();
        List<String> d = devices(2);
        long id = rollout(release, d, List.of(100), 100, 50, 2, 1).id();
        rollouts.start(id);
        UpdateOffer quiet = updates.offerFor(d.get(0)).orElseThrow();
        UpdateOffer good = updates.offerFor(d.get(1)).orElseThrow();
        report(d.get(1), good, 1, "SUCCEEDED", release);
        assertEquals(RolloutState.RUNNING, rollouts.find(id).state());
        Thread.sleep(1500);
        updates.timeOutExpired(500);
        assertEquals(1, rollouts.counts(id).of(ExecutionState.TIMED_OUT));
        assertEquals(1, rollouts.counts(id).failed());
        assertEquals(RolloutState.PAUSED, rollouts.find(id).state(), "1 failed of 2 reaches 50 %");
        report(d.get(0), quiet, 1, "SUCCEEDED", release); // too late: the update has ended
        assertEquals(1, rollouts.counts(id).succeeded());
        assertTrue(updates.offerFor(d.get(0)).isEmpty());
    }

    @Test
    void aReleaseBelowTheReportedCounterIsNeverOfferedAndEndsRejected() {
        FirmwareRelease release = approvedRelease();
        assertTrue(release.securityVersion() < 64, "room above the release for the device's counter");
        List<String> d = devices(3);
        long first =
                rollout(release, d.subList(0, 1), List.of(100), 100, 100, 1, 60).id();
        rollouts.start(first);
        report(
                d.get(0),
                updates.offerFor(d.get(0)).orElseThrow(),
                1,
                "SUCCEEDED",
                release,
                release.securityVersion() + 1); // the device's counter went past this release (a later image)

        FirmwareRelease older = approvedRelease();
        assertEquals(release.securityVersion(), older.securityVersion());
        long id = rollout(older, d, List.of(100), 100, 50, 2, 60).id();
        rollouts.start(id);
        assertTrue(updates.offerFor(d.get(0)).isEmpty(), "below the counter: not offered");
        assertTrue(updates.offerFor(d.get(0)).isEmpty(), "and not on the next poll either");
        UpdateExecution refused =
                rollouts.executions(id, ExecutionState.REJECTED, 0, 10).get(0);
        assertEquals(d.get(0), refused.deviceId());
        assertEquals(DeviceUpdates.ROLLBACK_CODE, refused.lastCode());
        assertEquals(null, refused.offeredAt(), "never offered");
        assertEquals(1, rollouts.counts(id).failed(), "counted as the device's own refusal would be");
        assertEquals(RolloutState.RUNNING, rollouts.find(id).state(), "1 terminal: below the minimum executed");
        UpdateOffer offer = updates.offerFor(d.get(1)).orElseThrow(); // never reported: no floor known
        report(d.get(1), offer, 1, "SUCCEEDED", older);
        assertEquals(RolloutState.PAUSED, rollouts.find(id).state(), "1 failed of 2 reaches 50 %");
        assertEquals(1, rollouts.find(id).offersAtPause(), "the refusal was not an offer");
    }

    @Test
    void twoCreationsOverTheSameDevicesAtOnceGiveOneRolloutAndOneClearRefusal() throws Exception {
        FirmwareRelease release = approvedRelease();
        List<String> d = fleet("race-" + unique(), 2000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> both = pool.invokeAll(List.of(
                    () -> rollouts.create(request(release, d)).id(),
                    () -> rollouts.create(request(release, d)).id()));
            int created = 0;
            for (Future<Long> f : both) {
                try {
                    f.get(5, TimeUnit.MINUTES);
                    created++;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    assertTrue(cause instanceof FirmwareException, "a clear refusal, not " + cause);
                    assertEquals(ProblemType.DEVICE_UPDATE_OPEN, ((FirmwareException) cause).problem());
                }
            }
            assertEquals(1, created, "one rollout holds the devices");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void groupsByCountCutTheRolloutAndTheRestFormsTheLastGroup() {
        FirmwareRelease release = approvedRelease();
        List<String> d = devices(5);
        Rollout byCount = rollouts.create(
                new Rollouts.RolloutRequest(release.id(), d, null, null, 100, 50, 1, 0, 60, 1000, 4096, List.of(1, 2)));
        assertEquals(
                List.of(1, 2, 2),
                rollouts.progress(byCount.id()).stream()
                        .map(g -> g.group().size())
                        .toList());
        rollouts.stop(byCount.id());
        FirmwareException both = assertThrows(
                FirmwareException.class,
                () -> rollouts.create(new Rollouts.RolloutRequest(
                        release.id(), d, null, List.of(100), 100, 50, 1, 0, 60, 1000, 4096, List.of(1))));
        assertEquals(ProblemType.ROLLOUT_INVALID, both.problem());
        FirmwareException tooMany = assertThrows(
                FirmwareException.class,
                () -> rollouts.create(new Rollouts.RolloutRequest(
                        release.id(), d, null, null, 100, 50, 1, 0, 60, 1000, 4096, List.of(3, 3))));
        assertEquals(ProblemType.ROLLOUT_INVALID, tooMany.problem());
    }

    @Test
    void aScheduledRolloutWaitsAsADraftAndStartsWhenItsTimeComes() throws Exception {
        FirmwareRelease release = approvedRelease();
        List<String> d = devices(2);
        FirmwareException past = assertThrows(
                FirmwareException.class,
                () -> rollouts.create(
                        request(release, d), java.time.Instant.now().minusSeconds(1)));
        assertEquals(ProblemType.ROLLOUT_INVALID, past.problem());
        assertThrows(
                FirmwareException.class,
                () -> rollouts.create(
                        request(release, d), java.time.Instant.now().plus(java.time.Duration.ofDays(400))));

        java.time.Instant at = java.time.Instant.now().plusSeconds(2);
        Rollout scheduled = rollouts.create(request(release, d), at);
        assertEquals(RolloutState.DRAFT, scheduled.state());
        assertEquals(at, scheduled.startAt());
        assertEquals(0, rollouts.startDue(10), "not due yet");
        assertTrue(updates.offerFor(d.get(0)).isEmpty(), "a draft offers nothing");
        Thread.sleep(2500);
        int started = rollouts.startDue(10); // 0 when the container's 10 s timer was first
        assertTrue(started <= 1, "one rollout due");
        assertEquals(0, rollouts.startDue(10), "started once");
        assertEquals(RolloutState.RUNNING, rollouts.find(scheduled.id()).state());
        assertTrue(updates.offerFor(d.get(0)).isPresent(), "running: the device is offered the release");
        rollouts.stop(scheduled.id());
    }

    private static Rollouts.RolloutRequest request(FirmwareRelease release, List<String> ids) {
        return new Rollouts.RolloutRequest(release.id(), ids, null, List.of(100), 100, 50, 1, 0, 60, 1000, 4096, null);
    }

    @Test
    void aDeviceHistoryListsItsUpdatesNewestFirstWithTheirReleasesAndTheListPagesRollouts() {
        FirmwareRelease first = approvedRelease();
        FirmwareRelease second = approvedRelease();
        List<String> d = devices(2);
        long older = rollout(first, d, List.of(100), 100, 100, 2, 60).id();
        rollouts.start(older);
        report(d.get(0), updates.offerFor(d.get(0)).orElseThrow(), 1, "FAILED", first);
        rollouts.stop(older);
        long newer = rollout(second, List.of(d.get(0)), List.of(100), 100, 100, 1, 60)
                .id();

        List<DeviceUpdates.HistoryEntry> history = updates.history(d.get(0), 10);
        assertEquals(
                List.of(newer, older),
                history.stream().map(h -> h.update().rolloutId()).toList());
        assertEquals(
                List.of(second.id(), first.id()),
                history.stream().map(h -> h.releaseId()).toList());
        assertEquals(ExecutionState.QUEUED, history.get(0).update().state());
        assertEquals(ExecutionState.FAILED, history.get(1).update().state());
        assertEquals(first.securityVersion(), history.get(1).securityVersion());
        assertEquals(1, updates.history(d.get(0), 1).size(), "the limit holds");
        assertEquals(
                List.of(ExecutionState.CANCELED),
                updates.history(d.get(1), 10).stream()
                        .map(h -> h.update().state())
                        .toList());
        assertTrue(updates.history("no-such-device", 10).isEmpty());

        List<Long> page = rollouts.list(0, 2).stream().map(Rollout::id).toList();
        assertEquals(List.of(newer, older), page, "newest first");
        assertEquals(older, rollouts.list(1, 1).get(0).id());
        assertEquals(
                List.of(d.get(0)),
                rollouts.executions(older, null, 0, 1).stream()
                        .map(UpdateExecution::deviceId)
                        .toList(),
                "one page of updates, by device id");
    }

    @Test
    void aRolloutByFilterTargetsThousandsOfDevicesInChunksAndNamesTheOnesItRefuses() {
        FirmwareRelease release = approvedRelease();
        String prefix = "fleet-" + unique();
        List<String> fleet = fleet(prefix, 2500);
        String suspended = prefix + "-suspended";
        fixtures.registerDevice(suspended, DeviceStatus.SUSPENDED);

        FirmwareException refused = assertThrows(
                FirmwareException.class,
                () -> rollouts.create(new Rollouts.RolloutRequest(
                        release.id(),
                        List.of(suspended, prefix + "-unknown"),
                        prefix,
                        List.of(100),
                        100,
                        50,
                        1,
                        0,
                        60,
                        1000,
                        4096,
                        null)));
        assertEquals("device-unknown", refused.type());
        assertTrue(refused.getMessage().contains("2 devices are not ACTIVE"), refused.getMessage());

        // a named device and the filter: each device once, the filter's SUSPENDED device left out
        Rollout rollout = rollouts.create(new Rollouts.RolloutRequest(
                release.id(), List.of(fleet.get(7)), prefix, List.of(10, 90), 100, 50, 1, 0, 60, 1000, 4096, null));
        assertEquals(2500, rollouts.counts(rollout.id()).total());
        assertEquals(
                List.of(250, 2250),
                rollouts.progress(rollout.id()).stream()
                        .map(g -> g.group().size())
                        .toList());
        assertEquals(
                fleet.get(7),
                rollouts.executions(rollout.id(), null, 7, 1).get(0).deviceId());

        // the same devices again: every one has an open update now
        FirmwareException busy = assertThrows(
                FirmwareException.class,
                () -> rollouts.create(new Rollouts.RolloutRequest(
                        release.id(), List.of(), prefix, List.of(100), 100, 50, 1, 0, 60, 1000, 4096, null)));
        assertEquals("device-update-open", busy.type());
        assertTrue(busy.getMessage().startsWith("2500 devices have an open update"), busy.getMessage());
    }

    @Test
    void refusalsNameTheirProblem() {
        FirmwareRelease release = approvedRelease();
        List<String> d = devices(2);
        FirmwareException bad =
                assertThrows(FirmwareException.class, () -> rollout(release, d, List.of(50, 40), 100, 50, 1, 60));
        assertEquals(ProblemType.ROLLOUT_INVALID, bad.problem());
        FirmwareException twice = assertThrows(
                FirmwareException.class,
                () -> rollout(release, List.of(d.get(0), d.get(0)), List.of(100), 100, 50, 1, 60));
        assertEquals(ProblemType.ROLLOUT_INVALID, twice.problem());
        FirmwareException stranger = assertThrows(
                FirmwareException.class,
                () -> rollout(release, List.of("ota-nobody-" + unique()), List.of(100), 100, 50, 1, 60));
        assertEquals(ProblemType.DEVICE_UNKNOWN, stranger.problem());
        releases.revoke(release.id());
        FirmwareException revoked =
                assertThrows(FirmwareException.class, () -> rollout(release, d, List.of(100), 100, 50, 1, 60));
        assertEquals(ProblemType.RELEASE_NOT_APPROVED, revoked.problem());
        FirmwareException unknown = assertThrows(FirmwareException.class, () -> rollouts.start(Long.MAX_VALUE));
        assertEquals(ProblemType.ROLLOUT_UNKNOWN, unknown.problem());
        FirmwareException other = assertThrows(
                FirmwareException.class,
                () -> updates.report(
                        d.get(0), "00".repeat(16), new DeviceUpdates.StatusReport(1, "FAILED", 0, 0, 1, "x", 1)));
        assertEquals(ProblemType.UPDATE_UNKNOWN, other.problem());
    }

    private long offered(long rolloutId) {
        return rollouts.counts(rolloutId).byState().entrySet().stream()
                .filter(e -> e.getKey() != ExecutionState.QUEUED && e.getKey() != ExecutionState.CANCELED)
                .mapToLong(java.util.Map.Entry::getValue)
                .sum();
    }
}
