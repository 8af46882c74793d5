package org.devicetrust.cli;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code firmware release|releases|approve|revoke}: firmware releases through the admin API (docs/ota.md). A raw
 * payload is signed by the backend with its firmware key; an image signed elsewhere ({@code --signed}) is verified
 * by the backend against the fleet's key slots.
 */
final class ReleaseCommand {

    /** Where the emulated board's app runs (qemu/ota.sh, firmware/docs/formats.md). */
    static final String DEFAULT_LOAD_ADDRESS = "0x80200000";

    static final String SIGNED_IMAGE = "application/vnd.devicetrust.firmware-image";
    /** One app slot: the server refuses more, so more is not even sent. */
    static final long MAX_UPLOAD = 0x400000;

    static final String USAGE = """
            usage: firmware release FILE --version N --security-version S [--build-id TEXT]
                                    [--load-address 0xADDR] [--entry-address 0xADDR]
                                        FILE is an app payload; the backend builds the manifest and signs it
                   firmware release FILE --signed
                                        FILE is an image signed elsewhere; the backend verifies it
                   firmware releases [--first N] [--size N]
                   firmware approve ID | firmware revoke ID""";

    private ReleaseCommand() {}

    static int run(String[] args, AdminApiFactory api) {
        return switch (args[0]) {
            case "release" -> release(args, api);
            case "releases" -> list(Arguments.parse(args, 1, Set.of("first", "size"), Set.of(), USAGE), api);
            case "approve" -> change(args, "approval", api);
            case "revoke" -> change(args, "revocation", api);
            default -> throw new CommandException(USAGE, 2);
        };
    }

    /** The admin API, made only once the arguments are known to be good (so usage errors need no server). */
    interface AdminApiFactory {
        AdminApi get();
    }

    /** What {@code release} sends: the path with its query, the content type, and the file. */
    record Upload(String pathAndQuery, String contentType, Path file) {}

    static Upload upload(String[] args) {
        Arguments a = Arguments.parse(
                args,
                1,
                Set.of("version", "security-version", "build-id", "load-address", "entry-address"),
                Set.of("signed"),
                USAGE);
        Path file = Path.of(a.positional(1, "FILE (the app payload, or with --signed the signed image)")
                .get(0));
        if (a.flag("signed")) {
            for (String o : Set.of("version", "security-version", "build-id", "load-address", "entry-address")) {
                if (a.has(o)) {
                    throw a.usageError("--" + o + " is taken from the signed manifest with --signed; leave it out");
                }
            }
            return new Upload("firmware/releases", SIGNED_IMAGE, file);
        }
        long version = a.number("version", 0, 0xffff_ffffL);
        long securityVersion = a.number("security-version", 0, 64);
        String load = address(a, "load-address", DEFAULT_LOAD_ADDRESS);
        StringBuilder q = new StringBuilder("firmware/releases?type=app&version=")
                .append(version)
                .append("&securityVersion=")
                .append(securityVersion)
                .append("&loadAddress=")
                .append(load);
        if (a.has("entry-address")) {
            q.append("&entryAddress=").append(address(a, "entry-address", null));
        }
        String buildId = a.value("build-id").orElse("device-" + version);
        q.append("&buildId=").append(URLEncoder.encode(buildId, StandardCharsets.UTF_8));
        return new Upload(q.toString(), "application/octet-stream", file);
    }

    private static String address(Arguments a, String name, String fallback) {
        String text = a.value(name).orElse(fallback);
        long v = Arguments.number(text, "--" + name, 0, 0xffff_ffffL, true, USAGE);
        return String.format("0x%08x", v);
    }

    private static int release(String[] args, AdminApiFactory api) {
        Upload u = upload(args);
        byte[] body = read(u.file());
        JsonObject release;
        try {
            release = api.get().post(u.pathAndQuery(), u.contentType(), body);
        } catch (CommandException e) {
            if (SIGNED_IMAGE.equals(u.contentType()) && e.getMessage().contains("HTTP 400")) {
                throw new CommandException(e.getMessage() + System.lineSeparator()
                        + "  (with --signed, FILE is a whole signed image; release a payload without --signed)");
            }
            throw e;
        }
        System.out.print(describe(release));
        return 0;
    }

    static byte[] read(Path file) {
        try {
            if (Files.size(file) > MAX_UPLOAD) {
                throw new CommandException(file + " is larger than an app slot (" + MAX_UPLOAD + " bytes)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CommandException("no such file: " + file);
        } catch (IOException e) {
            throw new CommandException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static int list(Arguments a, AdminApiFactory api) {
        a.positional(0, "");
        long first = a.optionalNumber("first", 0, Integer.MAX_VALUE).orElse(0L);
        long size = a.optionalNumber("size", 1, 500).orElse(50L);
        JsonObject list = api.get().get("firmware/releases?first=" + first + "&size=" + size);
        System.out.print(describeList(list));
        return 0;
    }

    private static int change(String[] args, String what, AdminApiFactory api) {
        Arguments a = Arguments.parse(args, 1, Set.of(), Set.of(), USAGE);
        long id = Arguments.id(a.positional(1, "release ID").get(0), "release ID", USAGE);
        System.out.print(describe(api.get().post("firmware/releases/" + id + "/" + what)));
        return 0;
    }

    static String describe(JsonObject r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "release %d: %s, %s v%d, security version %d, build %s, %d bytes, key slot %d%n",
                r.getJsonNumber("id").longValue(),
                r.getString("state"),
                r.getString("imageType").toLowerCase(java.util.Locale.ROOT),
                r.getJsonNumber("version").longValue(),
                r.getInt("securityVersion"),
                r.getString("buildId"),
                r.getJsonNumber("imageLength").longValue(),
                r.getInt("keySlot")));
        s.append(String.format("  payload digest  %s%n", r.getString("payloadDigest")));
        s.append(String.format("  manifest digest %s%n", r.getString("manifestDigest")));
        s.append(String.format("  uploaded by %s at %s%n", r.getString("uploadedBy"), r.getString("uploadedAt")));
        if (text(r, "approvedBy") != null) {
            s.append(String.format("  approved by %s at %s%n", r.getString("approvedBy"), r.getString("approvedAt")));
        }
        if (text(r, "revokedBy") != null) {
            s.append(String.format("  revoked by %s at %s%n", r.getString("revokedBy"), r.getString("revokedAt")));
        }
        if (r.getBoolean("raisesSecurityVersion", false)
                && ("SIGNED".equals(r.getString("state")) || "VERIFIED".equals(r.getString("state")))) {
            s.append(String.format(
                    "  raises the fleet's security version: an administrator other than %s approves it%n",
                    r.getString("uploadedBy")));
        }
        return s.toString();
    }

    static String describeList(JsonObject list) {
        int highest = list.getInt("highestApprovedSecurityVersion");
        StringBuilder s = new StringBuilder(String.format(
                "highest approved security version %s, %d steps of the anti-rollback counter left%n",
                highest < 0 ? "none yet" : String.valueOf(highest), list.getInt("remainingSecurityVersions")));
        s.append(String.format(
                "%-6s %-9s %-10s %-3s %-24s %9s %s%n",
                "ID", "STATE", "VERSION", "SV", "BUILD", "BYTES", "UPLOADED BY / APPROVED BY"));
        for (JsonValue v : list.getJsonArray("releases")) {
            JsonObject r = v.asJsonObject();
            String approver = text(r, "approvedBy");
            s.append(String.format(
                    "%-6d %-9s %-10d %-3d %-24s %9d %s%n",
                    r.getJsonNumber("id").longValue(),
                    r.getString("state"),
                    r.getJsonNumber("version").longValue(),
                    r.getInt("securityVersion"),
                    r.getString("buildId"),
                    r.getJsonNumber("imageLength").longValue(),
                    r.getString("uploadedBy") + (approver == null ? "" : " / " + approver)));
        }
        return s.toString();
    }

    static String text(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v == null || v.getValueType() != JsonValue.ValueType.STRING ? null : o.getString(name);
    }
}
