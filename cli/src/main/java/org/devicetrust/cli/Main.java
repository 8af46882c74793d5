package org.devicetrust.cli;

import java.util.Arrays;

/**
 * Entry point of the DeviceTrust command-line tools, called by the {@code ./devicetrust} launcher.
 * Each command is a class of its own; this class only dispatches and turns failures into one line.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            int code = switch (args[0]) {
                case "pki" -> PkiCommand.run(rest);
                case "firmware" -> FirmwareCommand.run(rest);
                case "rollout" -> RolloutCommand.run(rest, () -> AdminApi.fromEnvironment(System.getenv()));
                case "account" -> AccountCommand.run(rest, () -> AdminApi.fromEnvironment(System.getenv()));
                case "audit" -> AuditCommand.run(rest);
                case "bench" -> BenchCommand.run(rest);
                default -> {
                    usage();
                    yield 2;
                }
            };
            System.exit(code);
        } catch (CommandException e) {
            System.err.println("devicetrust: " + e.getMessage());
            System.exit(e.exitCode());
        }
    }

    private static void usage() {
        System.err.println("""
                usage: devicetrust-cli <command> ...
                  pki bootstrap --data-dir DIR [--hostname NAME ...]   create the CA hierarchy once (idempotent)
                  firmware sign ...                                    sign a firmware image (see firmware/docs)
                  firmware release|releases|approve|revoke ...         firmware releases (admin API)
                  rollout create|status|start|pause|resume|stop ...    rollouts of a release (admin API)
                  account create|list ...                              administrator accounts (admin API)
                  audit verify --jdbc-url URL [--user U --password-file F]  verify the audit hash chain
                  bench pki | bench issue ...                          benchmarks (figures only)""");
    }
}
