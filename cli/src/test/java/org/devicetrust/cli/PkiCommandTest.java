package org.devicetrust.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {

    @TempDir
    Path dataDir;

    private String run(Optional<String> password, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, PkiCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), password));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bootstrapTwiceCreatesOnceAndThenSaysNothingChanged() {
        String first = run(Optional.empty(), "bootstrap", "--data-dir", dataDir.toString(), "--hostname",
                "backend.example", "--crl-url", "http://backend.example:8080/pki/crl/device-ca.crl");
        assertTrue(first.startsWith("PKI bootstrapped in " + dataDir), first);
        assertTrue(first.contains("pki/devicetrust-ca.p12"), first);
        assertTrue(Files.exists(dataDir.resolve("pki/server-keystore.p12")));
        assertFalse(first.toLowerCase().contains("password:"), "never prints a password");
        String second = run(Optional.empty(), "bootstrap", "--data-dir", dataDir.toString());
        assertTrue(second.startsWith("PKI already bootstrapped in " + dataDir + "; nothing changed"), second);
        String fingerprint = first.substring(first.indexOf("fingerprint: "));
        assertTrue(second.contains(fingerprint.strip()));
    }

    @Test
    void wrongPasswordIsOneLineCommandError() {
        run(Optional.of("the-right-password-0123456789abcdef"), "bootstrap", "--data-dir", dataDir.toString());
        CommandException e = assertThrows(CommandException.class, () -> PkiCommand.run(
                new String[] {"bootstrap", "--data-dir", dataDir.toString()}, System.out, Optional.of("wrong")));
        assertEquals("pki bootstrap: key store " + dataDir.resolve("pki/devicetrust-ca.p12") + ": wrong password",
                e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, assertThrows(CommandException.class,
                () -> PkiCommand.run(new String[] {"bootstrap"}, System.out, Optional.empty())).exitCode());
        assertEquals(2, assertThrows(CommandException.class,
                () -> PkiCommand.run(new String[] {"frobnicate"}, System.out, Optional.empty())).exitCode());
        assertEquals(2, assertThrows(CommandException.class, () -> PkiCommand.run(
                new String[] {"bootstrap", "--data-dir", dataDir.toString(), "--crl-url", "ftp://x/y"},
                System.out, Optional.empty())).exitCode());
        CommandException badHost = assertThrows(CommandException.class, () -> PkiCommand.run(
                new String[] {"bootstrap", "--data-dir", dataDir.toString(), "--hostname", "bad host"},
                System.out, Optional.empty()));
        assertEquals("pki bootstrap: 'bad host' is not a valid DNS host name", badHost.getMessage());
    }
}
