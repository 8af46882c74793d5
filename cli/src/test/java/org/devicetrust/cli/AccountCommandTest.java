package org.devicetrust.cli;

import static org.devicetrust.cli.ReleaseCommandTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountCommandTest {

    @TempDir
    Path dir;

    @Test
    void thePasswordIsReadFromItsFileAndTheRoleDefaultsToAdmin() throws Exception {
        Path file = dir.resolve("approver.pass");
        Files.writeString(file, "0123456789abcdef\n");
        assertEquals(
                json("{\"username\":\"approver\",\"password\":\"0123456789abcdef\",\"role\":\"admin\"}"),
                AccountCommand.request(new String[] {"create", "approver", "--password-file", file.toString()}));
        assertEquals(
                "auditor",
                AccountCommand.request(new String[] {
                            "create", "approver", "--password-file", file.toString(), "--role", "auditor"
                        })
                        .getString("role"));
    }

    @Test
    void thereIsNoPasswordOption() {
        CommandException e = assertThrows(
                CommandException.class,
                () -> AccountCommand.request(new String[] {"create", "approver", "--password", "secret-on-argv"}));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith("unknown option --password"), e.getMessage());
        CommandException missing = assertThrows(
                CommandException.class,
                () -> AccountCommand.request(new String[] {"create", "approver", "--password-file", dir + "/none"}));
        assertTrue(missing.getMessage().startsWith("cannot read the password file"), missing.getMessage());
    }
}
