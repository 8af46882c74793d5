package org.devicetrust.cli;

import static org.devicetrust.cli.ReleaseCommandTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RolloutCommandTest {

    private static final ReleaseCommand.AdminApiFactory NO_SERVER = () -> {
        throw new AssertionError("a usage error must not reach the server");
    };

    private static String usage(String... args) {
        CommandException e = assertThrows(CommandException.class, () -> RolloutCommand.run(args, NO_SERVER));
        assertEquals(2, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains("usage: rollout create"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void createBuildsTheRequestOfTheAdminApi() {
        RolloutCommand.Create c = RolloutCommand.request(new String[] {
            "create",
            "--release",
            "7",
            "--devices",
            "sensor-1,sensor-2",
            "--groups",
            "50,50",
            "--success-pct",
            "90",
            "--error-pct",
            "20",
            "--error-min-executed",
            "5",
            "--timeout-minutes",
            "30",
            "--start"
        });
        assertEquals(
                json("{\"releaseId\":7,\"deviceIds\":[\"sensor-1\",\"sensor-2\"],\"groups\":[50,50],\"successPct\":90,"
                        + "\"error\":{\"pct\":20,\"minExecuted\":5},\"actionTimeoutMinutes\":30}"),
                c.body());
        assertTrue(c.start());
    }

    @Test
    void leftOutSettingsAreLeftToTheServersDefaults() {
        RolloutCommand.Create c =
                RolloutCommand.request(new String[] {"create", "--release", "1", "--devices", "sensor-1"});
        assertEquals(json("{\"releaseId\":1,\"deviceIds\":[\"sensor-1\"]}"), c.body());
        assertFalse(c.start());
    }

    @Test
    void groupsByCountAreSentAsCountsAndExcludeGroupsByPercent() {
        RolloutCommand.Create c = RolloutCommand.request(
                new String[] {"create", "--release", "1", "--devices", "a,b,c", "--group-counts", "1,1"});
        assertEquals(json("{\"releaseId\":1,\"deviceIds\":[\"a\",\"b\",\"c\"],\"groupCounts\":[1,1]}"), c.body());
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--groups", "100", "--group-counts", "1")
                .startsWith("--groups and --group-counts exclude each other"));
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--group-counts", "0")
                .startsWith("each of --group-counts must be"));
    }

    @Test
    void aStartTimeIsSentAsAnInstantAndExcludesStartingNow() {
        RolloutCommand.Create c = RolloutCommand.request(
                new String[] {"create", "--release", "1", "--devices", "sensor-1", "--start-at", "2026-12-24T02:00:00Z"
                });
        assertEquals(
                json("{\"releaseId\":1,\"deviceIds\":[\"sensor-1\"],\"startAt\":\"2026-12-24T02:00:00Z\"}"), c.body());
        assertFalse(c.start());
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--start-at", "tomorrow")
                .startsWith("--start-at takes an ISO-8601 instant"));
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--start", "--start-at", "2026-12-24T02:00:00Z")
                .startsWith("--start and --start-at exclude each other"));
    }

    @Test
    void badArgumentsAreUsageErrorsBeforeAnyRequest() {
        assertTrue(usage("create", "--devices", "a").startsWith("missing --release"));
        assertTrue(usage("create", "--release", "1").startsWith("missing --devices"));
        assertTrue(usage("create", "--release", "one", "--devices", "a").startsWith("--release must be a positive"));
        assertTrue(usage("create", "--release", "1", "--devices", "a,,b").startsWith("--devices is a comma-separated"));
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--groups", "50,x")
                .startsWith("each of --groups must be a whole number from 1 to 100, not 'x'"));
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--groups", "0,100")
                .startsWith("each of --groups must be"));
        assertTrue(usage("create", "--release", "1", "--devices", "a", "--error-pct", "101")
                .startsWith("--error-pct must be"));
        assertTrue(
                usage("create", "--release", "1", "--devices", "a", "extra").startsWith("unexpected argument 'extra'"));
        assertTrue(usage("status").startsWith("missing rollout ID"));
        assertTrue(usage("status", "1", "--interval", "2").startsWith("--interval belongs to --watch"));
        assertTrue(usage("status", "1", "--watch", "--interval", "0").startsWith("--interval must be"));
        assertTrue(usage("pause", "-3").startsWith("rollout ID must be a positive"));
        assertTrue(usage("frobnicate").startsWith("unknown rollout command 'frobnicate'"));
    }

    static final String ROLLOUT = """
            {"id":2,"releaseId":1,"state":"PAUSED","pauseReason":"THRESHOLD","createdBy":"admin",
             "createdAt":"t","changedAt":"t",
             "counters":{"queued":1,"open":0,"succeeded":0,"failed":1,"canceled":0},
             "groups":[{"position":0,"state":"FAILED","size":1,
                        "counters":{"queued":0,"open":0,"succeeded":0,"failed":1,"canceled":0}},
                       {"position":1,"state":"SCHEDULED","size":2,
                        "counters":{"queued":1,"open":0,"succeeded":0,"failed":0,"canceled":0}}]}""";

    @Test
    void statusShowsStatePauseReasonAndEachGroupsCounters() {
        String text = RolloutCommand.describe(json(ROLLOUT));
        assertEquals("""
                rollout 2 of release 1: PAUSED (THRESHOLD)
                  devices  1 queued, 0 open, 0 succeeded, 1 failed, 0 canceled
                  group 0  FAILED    1 device: 0 queued, 0 open, 0 succeeded, 1 failed, 0 canceled
                  group 1  SCHEDULED 2 devices: 1 queued, 0 open, 0 succeeded, 0 failed, 0 canceled
                """, text);
        assertEquals(
                "PAUSED (THRESHOLD): 1 queued, 0 open, 0 succeeded, 1 failed, 0 canceled; group 0 FAILED;"
                        + " group 1 SCHEDULED",
                RolloutCommand.progress(json(ROLLOUT)));
        assertTrue(RolloutCommand.ended(json(ROLLOUT)));
        assertFalse(RolloutCommand.ended(json(ROLLOUT.replace("\"PAUSED\"", "\"RUNNING\""))));
    }
}
