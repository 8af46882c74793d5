package org.devicetrust.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's words after its name: positional arguments, {@code --name value} options and {@code --flag}s, each
 * option at most once. Anything else is a usage error (exit 2) that repeats the command's usage.
 */
record Arguments(List<String> positional, Map<String, String> values, Set<String> flags, String usage) {

    static Arguments parse(String[] args, int from, Set<String> valued, Set<String> flagNames, String usage) {
        List<String> positional = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            if (flagNames.contains(name)) {
                if (!flags.add(name)) {
                    throw usageError("--" + name + " given twice", usage);
                }
            } else if (valued.contains(name)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw usageError("--" + name + " needs a value", usage);
                }
                if (values.put(name, args[++i]) != null) {
                    throw usageError("--" + name + " given twice", usage);
                }
            } else {
                throw usageError("unknown option " + a, usage);
            }
        }
        return new Arguments(List.copyOf(positional), Map.copyOf(values), Set.copyOf(flags), usage);
    }

    static CommandException usageError(String problem, String usage) {
        return new CommandException(problem + "\n" + usage, 2);
    }

    CommandException usageError(String problem) {
        return usageError(problem, usage);
    }

    /** Exactly {@code n} positional arguments, named in the error. */
    List<String> positional(int n, String what) {
        if (positional.size() != n) {
            throw usageError(
                    positional.size() < n ? "missing " + what : "unexpected argument '" + positional.get(n) + "'");
        }
        return positional;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) {
        return value(name).orElseThrow(() -> usageError("missing --" + name));
    }

    /** A whole number in {@code min..max}, decimal (or 0x-hex when {@code hex}). */
    static long number(String text, String name, long min, long max, boolean hex, String usage) {
        try {
            String t = text.strip();
            long n = hex && t.toLowerCase(java.util.Locale.ROOT).startsWith("0x")
                    ? Long.parseLong(t.substring(2), 16)
                    : Long.parseLong(t);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw usageError(
                    name + " must be a whole number from " + min + " to " + max + ", not '" + text + "'", usage);
        }
    }

    long number(String name, long min, long max) {
        return number(required(name), "--" + name, min, max, false, usage);
    }

    Optional<Long> optionalNumber(String name, long min, long max) {
        return value(name).map(v -> number(v, "--" + name, min, max, false, usage));
    }

    /** A positional id (release, rollout): a positive whole number. */
    static long id(String text, String what, String usage) {
        try {
            long id = Long.parseLong(text.strip());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw usageError(what + " must be a positive whole number, not '" + text + "'", usage);
    }

    /** {@code a,b,c}: no empty entries. */
    static List<String> list(String text, String name, String usage) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String t = item.strip();
            if (t.isEmpty()) {
                throw usageError(name + " is a comma-separated list without empty entries, not '" + text + "'", usage);
            }
            items.add(t);
        }
        return items;
    }
}
