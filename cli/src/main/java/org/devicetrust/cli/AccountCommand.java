package org.devicetrust.cli;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code account create|list}: administrator accounts through the admin API, such as the second administrator who
 * approves a release that raises the fleet's security version. The new password comes from a file, never from
 * the command line, and is never printed.
 */
final class AccountCommand {

    static final String USAGE = """
            usage: account create USER --password-file FILE [--role admin|operator|auditor]
                                        (FILE holds the new password, at least 12 characters)
                   account list""";

    private AccountCommand() {}

    static int run(String[] args, ReleaseCommand.AdminApiFactory api) {
        if (args.length == 0) {
            throw new CommandException(USAGE, 2);
        }
        return switch (args[0]) {
            case "create" -> create(args, api);
            case "list" -> {
                Arguments.parse(args, 1, Set.of(), Set.of(), USAGE).positional(0, "");
                for (JsonValue v : api.get().getAny("accounts").asJsonArray()) {
                    JsonObject a = v.asJsonObject();
                    System.out.printf("%-24s %s%n", a.getString("username"), a.getString("role"));
                }
                yield 0;
            }
            case "help", "-h", "--help" -> {
                System.out.println(USAGE);
                yield 0;
            }
            default -> throw new CommandException("unknown account command '" + args[0] + "'\n" + USAGE, 2);
        };
    }

    static JsonObject request(String[] args) {
        Arguments a = Arguments.parse(args, 1, Set.of("password-file", "role"), Set.of(), USAGE);
        String user = a.positional(1, "USER").get(0);
        Path file = Path.of(a.required("password-file"));
        String password;
        try {
            password = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CommandException("cannot read the password file " + file + ": " + e.getMessage());
        }
        return Json.createObjectBuilder()
                .add("username", user)
                .add("password", password)
                .add("role", a.value("role").orElse("admin"))
                .build();
    }

    private static int create(String[] args, ReleaseCommand.AdminApiFactory api) {
        JsonObject created = api.get().postJson("accounts", request(args));
        System.out.printf("account %s created, role %s%n", created.getString("username"), created.getString("role"));
        return 0;
    }
}
