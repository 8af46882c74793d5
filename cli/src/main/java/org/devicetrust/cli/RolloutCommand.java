package org.devicetrust.cli;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * {@code rollout create|status|start|pause|resume|stop}: rollouts of an approved release to named devices in
 * staged groups, through the admin API (docs/ota.md). {@code status --watch} polls until the rollout ends or
 * pauses: exit 0 when it FINISHED, 3 when it is PAUSED or STOPPED.
 */
final class RolloutCommand {

    static final int EXIT_NOT_FINISHED = 3;

    static final String USAGE = """
            usage: rollout create --release ID --devices ID,ID,... [--groups PCT,PCT,... | --group-counts N,N,...]
                                  [--success-pct PCT]
                                  [--error-pct PCT] [--error-min-executed N] [--timeout-minutes N]
                                  [--start | --start-at 2026-12-24T02:00:00Z]
                   rollout status ID [--devices] [--watch [--interval SECONDS]]
                   rollout start ID | rollout pause ID | rollout resume ID | rollout stop ID""";

    private RolloutCommand() {}

    static int run(String[] args, ReleaseCommand.AdminApiFactory api) {
        if (args.length == 0) {
            throw new CommandException(USAGE, 2);
        }
        return switch (args[0]) {
            case "create" -> create(args, api);
            case "status" -> status(args, api, RolloutCommand::sleep);
            case "start", "pause", "resume", "stop" -> change(args, api);
            case "help", "-h", "--help" -> {
                System.out.println(USAGE);
                yield 0;
            }
            default -> throw new CommandException("unknown rollout command '" + args[0] + "'\n" + USAGE, 2);
        };
    }

    /** The request body of {@code rollout create}, and whether to start it at once. */
    record Create(JsonObject body, boolean start) {}

    static Create request(String[] args) {
        Arguments a = Arguments.parse(
                args,
                1,
                Set.of(
                        "release",
                        "devices",
                        "groups",
                        "group-counts",
                        "success-pct",
                        "error-pct",
                        "error-min-executed",
                        "timeout-minutes",
                        "start-at"),
                Set.of("start"),
                USAGE);
        a.positional(0, "");
        long release = Arguments.id(a.required("release"), "--release", USAGE);
        List<String> devices = Arguments.list(a.required("devices"), "--devices", USAGE);
        JsonArrayBuilder ids = Json.createArrayBuilder();
        devices.forEach(ids::add);
        JsonObjectBuilder body =
                Json.createObjectBuilder().add("releaseId", release).add("deviceIds", ids);
        if (a.has("groups")) {
            JsonArrayBuilder groups = Json.createArrayBuilder();
            for (String g : Arguments.list(a.required("groups"), "--groups", USAGE)) {
                groups.add(Arguments.number(g, "each of --groups", 1, 100, false, USAGE));
            }
            body.add("groups", groups);
        }
        if (a.has("group-counts")) {
            if (a.has("groups")) {
                throw a.usageError("--groups and --group-counts exclude each other");
            }
            JsonArrayBuilder counts = Json.createArrayBuilder();
            for (String c : Arguments.list(a.required("group-counts"), "--group-counts", USAGE)) {
                counts.add(Arguments.number(c, "each of --group-counts", 1, 100_000, false, USAGE));
            }
            body.add("groupCounts", counts);
        }
        a.optionalNumber("success-pct", 1, 100).ifPresent(v -> body.add("successPct", v));
        JsonObjectBuilder error = Json.createObjectBuilder();
        a.optionalNumber("error-pct", 0, 100).ifPresent(v -> error.add("pct", v));
        a.optionalNumber("error-min-executed", 0, Integer.MAX_VALUE).ifPresent(v -> error.add("minExecuted", v));
        JsonObject e = error.build();
        if (!e.isEmpty()) {
            body.add("error", e);
        }
        a.optionalNumber("timeout-minutes", 1, 7 * 24 * 60).ifPresent(v -> body.add("actionTimeoutMinutes", v));
        if (a.has("start-at")) {
            if (a.flag("start")) {
                throw a.usageError("--start and --start-at exclude each other");
            }
            String at = a.required("start-at");
            try {
                body.add("startAt", java.time.Instant.parse(at).toString());
            } catch (java.time.format.DateTimeParseException ex) {
                throw a.usageError(
                        "--start-at takes an ISO-8601 instant such as 2026-12-24T02:00:00Z, not '" + at + "'");
            }
        }
        return new Create(body.build(), a.flag("start"));
    }

    private static int create(String[] args, ReleaseCommand.AdminApiFactory factory) {
        Create c = request(args);
        AdminApi api = factory.get();
        JsonObject rollout = api.postJson("rollouts", c.body());
        if (c.start()) {
            rollout = api.post("rollouts/" + rollout.getJsonNumber("id").longValue() + "/start");
        }
        System.out.print(describe(rollout));
        return 0;
    }

    private static int change(String[] args, ReleaseCommand.AdminApiFactory api) {
        Arguments a = Arguments.parse(args, 1, Set.of(), Set.of(), USAGE);
        long id = Arguments.id(a.positional(1, "rollout ID").get(0), "rollout ID", USAGE);
        System.out.print(describe(api.get().post("rollouts/" + id + "/" + args[0])));
        return 0;
    }

    static int status(String[] args, ReleaseCommand.AdminApiFactory factory, LongConsumer sleeper) {
        Arguments a = Arguments.parse(args, 1, Set.of("interval"), Set.of("watch", "devices"), USAGE);
        long id = Arguments.id(a.positional(1, "rollout ID").get(0), "rollout ID", USAGE);
        if (a.has("interval") && !a.flag("watch")) {
            throw a.usageError("--interval belongs to --watch");
        }
        long interval = a.optionalNumber("interval", 1, 3600).orElse(5L);
        AdminApi api = factory.get();
        JsonObject rollout = api.get("rollouts/" + id);
        if (a.flag("watch")) {
            String last = null;
            while (true) {
                String line = progress(rollout);
                if (!line.equals(last)) {
                    System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
                    System.out.flush();
                    last = line;
                }
                if (ended(rollout)) {
                    break;
                }
                sleeper.accept(interval * 1000);
                rollout = api.get("rollouts/" + id);
            }
        }
        System.out.print(describe(rollout));
        if (a.flag("devices")) {
            System.out.print(describeExecutions(api.getAny("rollouts/" + id + "/executions")));
        }
        return !a.flag("watch") || "FINISHED".equals(rollout.getString("state")) ? 0 : EXIT_NOT_FINISHED;
    }

    static boolean ended(JsonObject rollout) {
        return Set.of("FINISHED", "STOPPED", "PAUSED").contains(rollout.getString("state"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted");
        }
    }

    /** One line for {@code --watch}: the rollout's state, its totals and each group's state. */
    static String progress(JsonObject r) {
        JsonObject c = r.getJsonObject("counters");
        StringBuilder s = new StringBuilder(state(r)).append(": ").append(counters(c));
        for (JsonValue g : r.getJsonArray("groups")) {
            JsonObject group = g.asJsonObject();
            s.append("; group ").append(group.getInt("position")).append(' ').append(group.getString("state"));
        }
        return s.toString();
    }

    static String describe(JsonObject r) {
        StringBuilder s = new StringBuilder(String.format(
                "rollout %d of release %d: %s%n",
                r.getJsonNumber("id").longValue(), r.getJsonNumber("releaseId").longValue(), state(r)));
        s.append(String.format("  devices  %s%n", counters(r.getJsonObject("counters"))));
        for (JsonValue g : r.getJsonArray("groups")) {
            JsonObject group = g.asJsonObject();
            int size = group.getInt("size");
            s.append(String.format(
                    "  group %d  %-9s %d device%s: %s%n",
                    group.getInt("position"),
                    group.getString("state"),
                    size,
                    size == 1 ? "" : "s",
                    counters(group.getJsonObject("counters"))));
        }
        return s.toString();
    }

    private static String state(JsonObject r) {
        String reason = ReleaseCommand.text(r, "pauseReason");
        String startAt = ReleaseCommand.text(r, "startAt");
        return r.getString("state")
                + (reason == null ? "" : " (" + reason + ")")
                + (startAt == null || !"DRAFT".equals(r.getString("state")) ? "" : ", starts at " + startAt);
    }

    private static String counters(JsonObject c) {
        return String.format(
                "%d queued, %d open, %d succeeded, %d failed, %d canceled",
                c.getJsonNumber("queued").longValue(),
                c.getJsonNumber("open").longValue(),
                c.getJsonNumber("succeeded").longValue(),
                c.getJsonNumber("failed").longValue(),
                c.getJsonNumber("canceled").longValue());
    }

    static String describeExecutions(JsonStructure executions) {
        StringBuilder s = new StringBuilder(String.format("  %-24s %-12s %s%n", "DEVICE", "STATE", "CHUNK REQUESTS"));
        for (JsonValue v : executions.asJsonArray()) {
            JsonObject e = v.asJsonObject();
            s.append(String.format(
                    "  %-24s %-12s %d%n",
                    e.getString("deviceId"),
                    e.getString("state"),
                    e.getJsonNumber("chunkRequests").longValue()));
        }
        return s.toString();
    }
}
