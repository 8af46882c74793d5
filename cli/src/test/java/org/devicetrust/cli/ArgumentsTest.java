package org.devicetrust.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    private static Arguments parse(String... args) {
        return Arguments.parse(args, 1, Set.of("version", "devices"), Set.of("start"), "usage: x");
    }

    private static void refused(String expected, Runnable r) {
        CommandException e = assertThrows(CommandException.class, r::run);
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertTrue(e.getMessage().endsWith("usage: x"), "the usage follows the problem: " + e.getMessage());
    }

    @Test
    void positionalOptionsAndFlagsInAnyOrder() {
        Arguments a = parse("release", "--start", "app.bin", "--version", "4");
        assertEquals(List.of("app.bin"), a.positional(1, "FILE"));
        assertEquals("4", a.required("version"));
        assertTrue(a.flag("start"));
        assertEquals(4L, a.number("version", 0, 10));
    }

    @Test
    void unknownMissingAndRepeatedOptionsAreUsageErrors() {
        refused("unknown option --force", () -> parse("x", "--force"));
        refused("--version needs a value", () -> parse("x", "--version"));
        refused("--version needs a value", () -> parse("x", "--version", "--start"));
        refused("--version given twice", () -> parse("x", "--version", "1", "--version", "2"));
        refused("--start given twice", () -> parse("x", "--start", "--start"));
        refused("missing --devices", () -> parse("x").required("devices"));
        refused("missing FILE", () -> parse("x").positional(1, "FILE"));
        refused("unexpected argument 'b'", () -> parse("x", "a", "b").positional(1, "FILE"));
    }

    @Test
    void numbersAreWholeAndInRange() {
        refused(
                "--version must be a whole number from 0 to 10, not '11'",
                () -> parse("x", "--version", "11").number("version", 0, 10));
        refused(
                "--version must be a whole number",
                () -> parse("x", "--version", "4.5").number("version", 0, 10));
        refused(
                "--version must be a whole number",
                () -> parse("x", "--version", "-1").number("version", 0, 10));
        assertEquals(0x80200000L, Arguments.number("0x80200000", "--a", 0, 0xffff_ffffL, true, "usage: x"));
        refused("--a must be", () -> Arguments.number("0x80200000", "--a", 0, 0xffff_ffffL, false, "usage: x"));
        refused("--a must be", () -> Arguments.number("0x1ffffffff", "--a", 0, 0xffff_ffffL, true, "usage: x"));
    }

    @Test
    void idsArePositive() {
        assertEquals(12L, Arguments.id("12", "release ID", "usage: x"));
        refused(
                "release ID must be a positive whole number, not '0'",
                () -> Arguments.id("0", "release ID", "usage: x"));
        refused("release ID must be a positive", () -> Arguments.id("abc", "release ID", "usage: x"));
        refused("release ID must be a positive", () -> Arguments.id("99999999999999999999", "release ID", "usage: x"));
    }

    @Test
    void listsHaveNoEmptyEntries() {
        assertEquals(List.of("a", "b"), Arguments.list("a, b", "--devices", "usage: x"));
        refused("--devices is a comma-separated list", () -> Arguments.list("a,,b", "--devices", "usage: x"));
        refused("--devices is a comma-separated list", () -> Arguments.list("a,", "--devices", "usage: x"));
        refused("--devices is a comma-separated list", () -> Arguments.list("", "--devices", "usage: x"));
    }
}
