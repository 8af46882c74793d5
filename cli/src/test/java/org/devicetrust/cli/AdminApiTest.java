package org.devicetrust.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {

    @TempDir
    Path dir;

    @Test
    void aRefusalShowsTheProblemsTypeTitleAndDetail() {
        CommandException e = assertThrows(
                CommandException.class,
                () -> AdminApi.answer(
                        404,
                        "application/problem+json",
                        "{\"type\":\"urn:devicetrust:problem:release-unknown\",\"title\":\"Unknown firmware release\","
                                + "\"status\":404,\"detail\":\"no firmware release 9\"}",
                        "POST /api/v1/admin/firmware/releases/9/approval"));
        assertEquals(1, e.exitCode());
        assertEquals(
                String.join(
                        System.lineSeparator(),
                        "refused: HTTP 404 from POST /api/v1/admin/firmware/releases/9/approval",
                        "  type:   urn:devicetrust:problem:release-unknown",
                        "  title:  Unknown firmware release",
                        "  detail: no firmware release 9"),
                e.getMessage());
    }

    @Test
    void aRefusalThatIsNoProblemIsShownShortened() {
        String body = "<html>" + "x".repeat(500) + "</html>";
        CommandException e =
                assertThrows(CommandException.class, () -> AdminApi.answer(502, "text/html", body, "GET /x"));
        assertTrue(e.getMessage().startsWith("refused: HTTP 502 from GET /x"), e.getMessage());
        assertTrue(e.getMessage().endsWith("..."), e.getMessage());
        CommandException bad = assertThrows(
                CommandException.class, () -> AdminApi.answer(400, "application/problem+json", "{\"type\":", "GET /y"));
        assertTrue(bad.getMessage().contains("{\"type\":"), bad.getMessage());
    }

    @Test
    void anAnswerThatIsNotJsonIsAFailure() {
        assertThrows(CommandException.class, () -> AdminApi.answer(200, "application/json", "not json", "GET /x"));
        assertEquals(
                "{\"a\":1}",
                AdminApi.answer(200, "application/json", "{\"a\":1}", "GET /x").toString());
    }

    @Test
    void thePasswordComesFromTheEnvironmentElseTheFirstAdministratorsFile() throws Exception {
        assertArrayEquals(
                "s3cret".toCharArray(), AdminApi.password(Map.of("DEVICETRUST_ADMIN_PASSWORD", "s3cret"), "bob", dir));
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/initial-admin-password"), "first-admin-pw\n");
        assertArrayEquals("first-admin-pw".toCharArray(), AdminApi.password(Map.of(), "admin", dir));
        CommandException other = assertThrows(CommandException.class, () -> AdminApi.password(Map.of(), "bob", dir));
        assertEquals("set DEVICETRUST_ADMIN_PASSWORD to the password of administrator 'bob'", other.getMessage());
        assertFalse(other.getMessage().contains("first-admin-pw"));
    }

    @Test
    void withoutTheLaunchersSettingsItSaysSo() {
        CommandException e = assertThrows(CommandException.class, () -> AdminApi.fromEnvironment(Map.of()));
        assertTrue(e.getMessage().contains("run this through ./devicetrust"), e.getMessage());
        CommandException noCa = assertThrows(
                CommandException.class,
                () -> AdminApi.fromEnvironment(Map.of(
                        "DEVICETRUST_ADMIN_URL", "https://localhost:1/api/v1/admin/",
                        "DEVICETRUST_DATA_DIR", dir.toString(),
                        "DEVICETRUST_ADMIN_PASSWORD", "pw")));
        assertTrue(noCa.getMessage().startsWith("no root CA at " + dir.resolve("pki/root-ca.pem")), noCa.getMessage());
    }
}
