package org.devicetrust.system.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's firmware release and rollout commands ({@code ./devicetrust firmware release|approve|...},
 * {@code ./devicetrust rollout ...}, {@code ./devicetrust account create}) against the EAR on Payara Server: what
 * they print is checked against the admin API, and refusals show the server's problem with a non-zero exit.
 */
class FirmwareCliIT {

    static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    static final String RELEASES = "/api/v1/admin/firmware/releases";
    static final String ROLLOUTS = "/api/v1/admin/rollouts";
    static final String PROBLEM = "urn:devicetrust:problem:";

    @TempDir
    Path dir;

    record Result(int exitCode, String output) {}

    /** The launcher as a person runs it: the server's home and data directory, the first administrator. */
    private Result launcher(Map<String, String> env, String... args) {
        String launcher = System.getProperty("devicetrust.launcher", "./devicetrust");
        List<String> command = new ArrayList<>(List.of(launcher));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("DEVICETRUST_HOME", SERVER.home.toString());
        pb.environment().put("DEVICETRUST_DATA_DIR", SERVER.dataDir.toString());
        pb.environment().put("DEVICETRUST_ADMIN_PASSWORD", SERVER.adminPassword);
        pb.environment().remove("DEVICETRUST_ADMIN_USER");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            // a first call may build the command-line tools
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot run " + command, e);
        }
    }

    private Result launcher(String... args) {
        return launcher(Map.of(), args);
    }

    private static Result ok(Result r) {
        assertEquals(0, r.exitCode(), r.output());
        return r;
    }

    private static long number(String regex, String output) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertTrue(m.find(), "no '" + regex + "' in:\n" + output);
        return Long.parseLong(m.group(1));
    }

    /** Exit 1 and the problem's type, title and detail as the server answered them. */
    private static void refusedWith(Result r, String type) {
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("  type:   " + PROBLEM + type + "\n"), r.output());
        assertTrue(
                Pattern.compile("\n  title:  \\S.*\n  detail: \\S")
                        .matcher(r.output())
                        .find(),
                r.output());
    }

    private static JsonObject api(String path) {
        var r = SERVER.admin("GET", path, null, null);
        assertEquals(200, r.statusCode(), r.body());
        return DeviceTrustServer.json(r.body());
    }

    @Test
    void aReleaseIsApprovedByASecondAdministratorAndRolledOutInTwoGroups() throws Exception {
        String build = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] payload = new byte[3000];
        new SecureRandom().nextBytes(payload);
        Files.write(dir.resolve("app.bin"), payload);
        int securityVersion = api(RELEASES).getInt("highestApprovedSecurityVersion") + 1;
        long version = 1 + new SecureRandom().nextInt(1_000_000_000);

        Result released = ok(launcher(
                "firmware",
                "release",
                "app.bin",
                "--version",
                String.valueOf(version),
                "--security-version",
                String.valueOf(securityVersion),
                "--build-id",
                build));
        long id = number(
                "release (\\d+): SIGNED, app v" + version + ", security version " + securityVersion + ", build " + build
                        + ", ",
                released.output());
        JsonObject release = api(RELEASES + "/" + id);
        assertEquals(build, release.getString("buildId"));
        assertTrue(
                released.output().contains("  payload digest  " + release.getString("payloadDigest") + "\n"),
                released.output());
        assertTrue(
                released.output().contains("  manifest digest " + release.getString("manifestDigest") + "\n"),
                released.output());
        assertTrue(released.output().contains(release.getJsonNumber("imageLength") + " bytes"), released.output());
        assertTrue(released.output().contains("an administrator other than admin approves it"), released.output());

        refusedWith(launcher("firmware", "approve", String.valueOf(id)), "approval-by-uploader");
        assertEquals("SIGNED", api(RELEASES + "/" + id).getString("state"));

        String approver = build + "-approver";
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path passwordFile = dir.resolve("approver.pass");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Result account = ok(launcher("account", "create", approver, "--password-file", passwordFile.toString()));
        assertTrue(account.output().contains("account " + approver + " created, role admin"), account.output());
        assertFalse(account.output().contains(password), "the password is never printed");

        Result approved = ok(launcher(
                Map.of("DEVICETRUST_ADMIN_USER", approver, "DEVICETRUST_ADMIN_PASSWORD", password),
                "firmware",
                "approve",
                String.valueOf(id)));
        assertTrue(approved.output().contains("release " + id + ": APPROVED"), approved.output());
        assertTrue(approved.output().contains("  approved by " + approver + " at "), approved.output());
        assertFalse(approved.output().contains(password), "the password is never printed");
        assertEquals(approver, api(RELEASES + "/" + id).getString("approvedBy"));
        Result list = ok(launcher("firmware", "releases"));
        assertTrue(
                Pattern.compile("(?m)^" + id + " +APPROVED +" + version + " +" + securityVersion + " +" + build
                                + " +\\d+ admin / " + approver + "$")
                        .matcher(list.output())
                        .find(),
                list.output());

        String d1 = SERVER.registerDevice(build + "-d1", "cli rollout");
        String d2 = SERVER.registerDevice(build + "-d2", "cli rollout");
        Result created = ok(launcher(
                "rollout",
                "create",
                "--release",
                String.valueOf(id),
                "--devices",
                d1 + "," + d2,
                "--groups",
                "50,50",
                "--error-pct",
                "50",
                "--start"));
        long rollout = number("rollout (\\d+) of release " + id + ": RUNNING\n", created.output());
        JsonObject r = api(ROLLOUTS + "/" + rollout);
        assertEquals("RUNNING", r.getString("state"));
        assertEquals(2, r.getJsonArray("groups").size());
        assertEquals(id, r.getJsonNumber("releaseId").longValue());

        Result status = ok(launcher("rollout", "status", String.valueOf(rollout), "--devices"));
        for (var g : r.getJsonArray("groups")) {
            JsonObject group = g.asJsonObject();
            JsonObject c = group.getJsonObject("counters");
            String line = String.format(
                    "  group %d  %-9s 1 device: %d queued, %d open, %d succeeded, %d failed, %d canceled\n",
                    group.getInt("position"),
                    group.getString("state"),
                    c.getInt("queued"),
                    c.getInt("open"),
                    c.getInt("succeeded"),
                    c.getInt("failed"),
                    c.getInt("canceled"));
            assertTrue(status.output().contains(line), "'" + line + "' in\n" + status.output());
        }
        assertTrue(
                status.output().contains("  devices  2 queued, 0 open, 0 succeeded, 0 failed, 0 canceled\n"),
                status.output());
        assertTrue(
                Pattern.compile("(?m)^  " + d1 + " +QUEUED +0$")
                        .matcher(status.output())
                        .find(),
                status.output());
        assertTrue(
                Pattern.compile("(?m)^  " + d2 + " +QUEUED +0$")
                        .matcher(status.output())
                        .find(),
                status.output());

        Result paused = ok(launcher("rollout", "pause", String.valueOf(rollout)));
        JsonObject p = api(ROLLOUTS + "/" + rollout);
        assertEquals("PAUSED", p.getString("state"));
        assertTrue(paused.output().contains(": PAUSED (" + p.getString("pauseReason") + ")\n"), paused.output());
        Result watched = launcher("rollout", "status", String.valueOf(rollout), "--watch", "--interval", "1");
        assertEquals(3, watched.exitCode(), "a watch that ends paused is not finished: " + watched.output());
        assertTrue(
                Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d PAUSED \\(MANUAL\\): 2 queued, .*; group 0 RUNNING;"
                                + " group 1 SCHEDULED$")
                        .matcher(watched.output())
                        .find(),
                watched.output());

        ok(launcher("rollout", "resume", String.valueOf(rollout)));
        assertEquals("RUNNING", api(ROLLOUTS + "/" + rollout).getString("state"));
        Result stopped = ok(launcher("rollout", "stop", String.valueOf(rollout)));
        assertTrue(stopped.output().contains(": STOPPED\n"), stopped.output());
        assertEquals(2, api(ROLLOUTS + "/" + rollout).getJsonObject("counters").getInt("canceled"));
        refusedWith(launcher("rollout", "start", String.valueOf(rollout)), "rollout-state-invalid");

        Result revoked = ok(launcher("firmware", "revoke", String.valueOf(id)));
        assertTrue(revoked.output().contains("release " + id + ": REVOKED"), revoked.output());
        assertEquals("REVOKED", api(RELEASES + "/" + id).getString("state"));
    }

    @Test
    void badInputShowsTheServersProblemOrAUsageError() throws Exception {
        refusedWith(launcher("firmware", "approve", "999999999"), "release-unknown");
        refusedWith(
                launcher("rollout", "create", "--release", "999999999", "--devices", "cli-nobody"), "release-unknown");
        refusedWith(launcher("rollout", "status", "999999999"), "rollout-unknown");

        Files.writeString(dir.resolve("notes.txt"), "this is not a firmware image\n");
        Result notAnImage = launcher("firmware", "release", "notes.txt", "--signed");
        refusedWith(notAnImage, "firmware-image-malformed");
        assertTrue(notAnImage.output().contains("with --signed, FILE is a whole signed image"), notAnImage.output());

        Result usage = launcher("rollout", "create", "--release", "1", "--devices", "a", "--groups", "50,x");
        assertEquals(2, usage.exitCode(), usage.output());
        assertTrue(
                usage.output().contains("each of --groups must be a whole number from 1 to 100, not 'x'"),
                usage.output());
        assertTrue(usage.output().contains("usage: rollout create"), usage.output());
        Result missing = launcher("firmware", "release", "app.bin", "--version", "4");
        assertEquals(2, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("missing --security-version"), missing.output());

        // an account that does not exist, so that no real one is brought nearer its lockout
        String wrong = "not-the-password-" + UUID.randomUUID();
        Result unauthenticated = launcher(
                Map.of(
                        "DEVICETRUST_ADMIN_USER",
                        "cli-nobody-" + UUID.randomUUID().toString().substring(0, 8),
                        "DEVICETRUST_ADMIN_PASSWORD",
                        wrong),
                "firmware",
                "releases");
        refusedWith(unauthenticated, "unauthenticated");
        assertFalse(unauthenticated.output().contains(wrong), "the password is never printed");
    }
}
