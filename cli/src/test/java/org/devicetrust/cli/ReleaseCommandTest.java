package org.devicetrust.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReleaseCommandTest {

    private static final ReleaseCommand.AdminApiFactory NO_SERVER = () -> {
        throw new AssertionError("a usage error must not reach the server");
    };

    private static CommandException usage(String... args) {
        CommandException e = assertThrows(CommandException.class, () -> ReleaseCommand.run(args, NO_SERVER));
        assertEquals(2, e.exitCode(), e.getMessage());
        return e;
    }

    @Test
    void aPayloadIsSentWithItsMetadataAsQueryParameters() {
        ReleaseCommand.Upload u = ReleaseCommand.upload(new String[] {
            "release", "app.bin", "--version", "4", "--security-version", "2", "--build-id", "device 4+"
        });
        assertEquals(
                "firmware/releases?type=app&version=4&securityVersion=2&loadAddress=0x80200000&buildId=device+4%2B",
                u.pathAndQuery());
        assertEquals("application/octet-stream", u.contentType());
        assertEquals(Path.of("app.bin"), u.file());
    }

    @Test
    void addressesAreNormalisedAndTheBuildIdDefaultsToTheVersion() {
        ReleaseCommand.Upload u = ReleaseCommand.upload(new String[] {
            "release",
            "app.bin",
            "--version",
            "7",
            "--security-version",
            "0",
            "--load-address",
            "2149580800",
            "--entry-address",
            "0x80200010"
        });
        assertEquals(
                "firmware/releases?type=app&version=7&securityVersion=0&loadAddress=0x80200000"
                        + "&entryAddress=0x80200010&buildId=device-7",
                u.pathAndQuery());
    }

    @Test
    void aSignedImageCarriesItsOwnMetadata() {
        ReleaseCommand.Upload u = ReleaseCommand.upload(new String[] {"release", "app.img", "--signed"});
        assertEquals("firmware/releases", u.pathAndQuery());
        assertEquals("application/vnd.devicetrust.firmware-image", u.contentType());
        assertTrue(usage("release", "app.img", "--signed", "--security-version", "2")
                .getMessage()
                .startsWith("--security-version is taken from the signed manifest"));
    }

    @Test
    void badArgumentsAreUsageErrorsBeforeAnyRequest() {
        assertTrue(usage("release").getMessage().startsWith("missing FILE"));
        assertTrue(usage("release", "a.bin", "--security-version", "2")
                .getMessage()
                .startsWith("missing --version"));
        assertTrue(usage("release", "a.bin", "--version", "4").getMessage().startsWith("missing --security-version"));
        assertTrue(usage("release", "a.bin", "--version", "4", "--security-version", "65")
                .getMessage()
                .startsWith("--security-version must be a whole number from 0 to 64"));
        assertTrue(
                usage("release", "a.bin", "b.bin", "--signed").getMessage().startsWith("unexpected argument 'b.bin'"));
        assertTrue(usage("approve").getMessage().startsWith("missing release ID"));
        assertTrue(usage("revoke", "x").getMessage().startsWith("release ID must be a positive whole number"));
        assertTrue(usage("releases", "--size", "501").getMessage().startsWith("--size must be"));
        assertTrue(usage("approve", "1", "--force").getMessage().startsWith("unknown option --force"));
    }

    @Test
    void aMissingFileIsSaidBeforeAnyRequest() {
        CommandException e = assertThrows(
                CommandException.class,
                () -> ReleaseCommand.run(new String[] {"release", "/nonexistent/app.img", "--signed"}, NO_SERVER));
        assertEquals(1, e.exitCode());
        assertEquals("no such file: /nonexistent/app.img", e.getMessage());
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    static final String RELEASE = """
            {"id":3,"state":"SIGNED","imageType":"APP","version":4,"securityVersion":2,"buildId":"device-4",
             "imageLength":142880,"keySlot":0,"keyDigest":"bf7a","payloadDigest":"a36a","manifestDigest":"3168",
             "uploadedBy":"admin","uploadedAt":"2026-12-03T08:42:28Z","approvedBy":null,"approvedAt":null,
             "revokedBy":null,"revokedAt":null,"raisesSecurityVersion":true}""";

    @Test
    void aReleaseShowsItsIdStateDigestsAndWhoMustApprove() {
        String text = ReleaseCommand.describe(json(RELEASE));
        assertTrue(
                text.startsWith("release 3: SIGNED, app v4, security version 2, build device-4, 142880 bytes,"
                        + " key slot 0\n"),
                text);
        assertTrue(text.contains("  payload digest  a36a\n  manifest digest 3168\n"), text);
        assertTrue(text.contains("an administrator other than admin approves it"), text);
        String approved = ReleaseCommand.describe(json(RELEASE.replace("\"SIGNED\"", "\"APPROVED\"")
                .replace("\"approvedBy\":null,\"approvedAt\":null", "\"approvedBy\":\"second\",\"approvedAt\":\"t\"")));
        assertTrue(approved.contains("  approved by second at t\n"), approved);
        assertFalse(approved.contains("approves it"), approved);
    }

    @Test
    void theListShowsTheCounterAndOneLinePerRelease() {
        String text = ReleaseCommand.describeList(
                json("{\"highestApprovedSecurityVersion\":-1,\"remainingSecurityVersions\":64,\"releases\":[" + RELEASE
                        + "]}"));
        assertTrue(text.startsWith("highest approved security version none yet, 64 steps"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("3 +SIGNED +4 +2 +device-4 +142880 admin")), text);
    }
}
