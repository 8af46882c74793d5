package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.devicetrust.system.device.DeviceCredentials;
import org.devicetrust.system.device.DeviceCredentials.Credential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Firmware updates from the console, as an administrator works them: a payload uploaded and signed, its
 * approval refused to its uploader when it raises the fleet's security version and given by a second
 * administrator, a rollout created with the form, its page following the devices' reports live until the error
 * threshold pauses it (no reload), then resumed and stopped; the device page shows the update and what the
 * device reported running.
 */
class ConsoleRolloutsIT {

    private static final String PASSWORD = "rollout-test-password-1";
    private static ConsoleBrowser browser;
    private static String secondAdmin;

    @TempDir
    Path dir;

    @BeforeAll
    static void createSecondAdministrator() {
        browser = new ConsoleBrowser("rollouts");
        secondAdmin = ConsoleActions.unique("adm");
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        ConsoleActions.createAccount(browser, secondAdmin, "admin", PASSWORD);
        browser.signOut();
    }

    @AfterEach
    void signOut() {
        browser.signOut();
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    @Test
    void aRolloutCreatedInTheConsolePausesAtItsThresholdLiveAndResumes() throws Exception {
        List<Credential> devices = List.of(
                DeviceCredentials.registeredDevice(dir, "con-ota-a"),
                DeviceCredentials.registeredDevice(dir, "con-ota-b"),
                DeviceCredentials.registeredDevice(dir, "con-ota-c"),
                DeviceCredentials.registeredDevice(dir, "con-ota-d"));

        // ---- upload a payload to be signed, raising the security version by one
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        browser.open("/console/releases.xhtml");
        String highest = browser.text(By.id("highestApproved"));
        int remainingBefore = Integer.parseInt(browser.text(By.id("remaining")));
        int securityVersion = "none".equals(highest) ? 0 : Integer.parseInt(highest) + 1;
        String build = ConsoleActions.unique("cb");
        long release = upload(payload(6000), "9", String.valueOf(securityVersion), build);
        WebElement row = releaseRow(release);
        assertEquals(
                "SIGNED", row.findElement(By.cssSelector(".dt-release-state")).getText());
        assertTrue(
                row.getText().contains("raises the counter: another administrator approves"),
                "the page warns before the four-eyes approval: " + row.getText());

        // ---- its uploader cannot approve it
        browser.click(By.id(rowId(release) + ":approve"));
        browser.awaitMessage("Release " + release + " not approved");
        assertTrue(
                browser.messages().contains("an administrator other than admin must approve it"), browser.messages());
        assertEquals(
                "SIGNED",
                releaseRow(release)
                        .findElement(By.cssSelector(".dt-release-state"))
                        .getText());
        browser.signOut();

        // ---- a second administrator approves it; the counter capacity shrinks by one
        browser.signInExpectingConsole(secondAdmin, PASSWORD);
        browser.open("/console/releases.xhtml");
        browser.click(By.id(rowId(release) + ":approve"));
        browser.awaitMessage("Release " + release + " approved for rollouts.");
        assertEquals(
                "APPROVED",
                releaseRow(release)
                        .findElement(By.cssSelector(".dt-release-state"))
                        .getText());
        browser.open("/console/releases.xhtml");
        assertEquals(String.valueOf(securityVersion), browser.text(By.id("highestApproved")));
        assertEquals(
                "none".equals(highest) ? remainingBefore : remainingBefore - 1,
                Integer.parseInt(browser.text(By.id("remaining"))));

        // ---- a refused form stays on the page with the reason, and creates nothing
        browser.open("/console/rollouts.xhtml");
        browser.choose("create:release", releaseLabel(release, build, securityVersion));
        browser.type(By.id("create:deviceIds"), devices.get(0).deviceId());
        browser.type(By.id("create:groups"), "50, 40");
        browser.click(By.id("create:createButton"));
        browser.awaitMessage("Rollout not created");
        assertTrue(browser.driver().getCurrentUrl().contains("/console/rollouts.xhtml"));

        // ---- the rollout: two groups of two, pause at 50 % failed once 2 ended
        browser.choose("create:release", releaseLabel(release, build, securityVersion));
        browser.type(
                By.id("create:deviceIds"),
                String.join("\n", devices.stream().map(Credential::deviceId).toList()));
        browser.type(By.id("create:groups"), "50, 50");
        browser.type(By.id("create:errorPercent"), "50");
        browser.type(By.id("create:minExecuted"), "2");
        browser.click(By.id("create:createButton"));
        String created = browser.awaitMessage("devices created and started");
        Matcher m = Pattern.compile("Rollout (\\d+) of release " + release + " to 4 devices")
                .matcher(created);
        assertTrue(m.find(), created);
        long rollout = Long.parseLong(m.group(1));
        assertTrue(browser.driver().getCurrentUrl().contains("/console/rollout.xhtml?id=" + rollout));
        assertEquals("RUNNING", browser.text(By.id("rollout:state")));
        assertFalse(browser.all(By.cssSelector("#rollout\\:chart canvas")).isEmpty(), "the progress chart is drawn");
        assertEquals(List.of("RUNNING", "SCHEDULED"), groupStates());

        // ---- the first group's devices are offered the update and both report FAILED
        for (int i = 0; i < 2; i++) {
            HttpClient device = devices.get(i).client();
            HttpResponse<byte[]> offer = poll(device);
            assertEquals(200, offer.statusCode(), "group 1 device " + i + " is offered the update");
            String updateId = java.util.HexFormat.of().formatHex(offer.body(), 8, 24);
            HttpResponse<byte[]> report = device.send(
                    HttpRequest.newBuilder(
                                    ConsoleBrowser.SERVER.device("/api/v1/device/update/" + updateId + "/status"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"seq\":1,\"state\":\"FAILED\",\"offset\":0,\"code\":21,"
                                            + "\"runningVersion\":3,\"buildId\":\"console-old\",\"efuseSv\":1}",
                                    StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(204, report.statusCode(), new String(report.body(), StandardCharsets.UTF_8));
        }

        // ---- the page, left open, shows the pause by itself (its poll), with the reason
        new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class) // the page's poll re-renders it
                .until(d ->
                        "PAUSED".equals(d.findElement(By.id("rollout:state")).getText()));
        assertTrue(browser.text(By.id("rollout:pauseText")).contains("error threshold"));
        assertEquals("2", browser.text(By.id("rollout:failed")));
        assertEquals("2", browser.text(By.id("rollout:queued")));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("rollout:updates")).getText().contains("FAILED"));
        browser.screenshot("rollout-paused");
        assertEquals(204, poll(devices.get(2).client()).statusCode(), "no offer after the crossing");
        assertTrue(browser.cspViolations().isEmpty(), "chart and poll run under the policy");

        // ---- resume, then stop: the queued group is canceled
        browser.click(By.id("rollout:resume"));
        browser.awaitMessage("Rollout " + rollout + " resumed.");
        assertEquals("RUNNING", browser.text(By.id("rollout:state")));
        browser.click(By.id("rollout:stop"));
        browser.click(By.id("rollout:confirmYes"));
        browser.awaitMessage("Rollout " + rollout + " stopped");
        assertEquals("STOPPED", browser.text(By.id("rollout:state")));
        assertEquals("2", browser.text(By.id("rollout:canceled")));
        assertTrue(browser.all(By.id("rollout:resume")).isEmpty(), "a stopped rollout is not resumed");

        // ---- the rollout list and the device page
        browser.open("/console/rollouts.xhtml");
        assertTrue(browser.driver()
                .findElement(By.id("rolloutsForm:list"))
                .getText()
                .contains("STOPPED"));
        browser.open("/console/device.xhtml?id=" + devices.get(0).deviceId());
        assertEquals("3", browser.text(By.id("device:runningVersion")));
        assertEquals("console-old", browser.text(By.id("device:runningBuild")));
        assertEquals("1", browser.text(By.id("device:runningSecurityVersion")));
        String history = browser.text(By.id("device:updates"));
        assertTrue(history.contains("FAILED") && history.contains("version 9"), history);
        browser.open("/console/device.xhtml?id=" + devices.get(3).deviceId());
        assertTrue(browser.text(By.id("device:updates")).contains("CANCELED"));
        assertFalse(browser.all(By.id("device:noRunning")).isEmpty(), "device d never reported");
    }

    @Test
    void aFileThatIsNotASignedImageIsRefusedWithItsReason() throws Exception {
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        browser.open("/console/releases.xhtml");
        int rowsBefore = browser.all(By.cssSelector(".dt-release-id")).size();
        Path garbage = dir.resolve("garbage.bin");
        Files.write(garbage, payload(100));
        browser.driver()
                .findElement(By.id("upload:file"))
                .sendKeys(garbage.toAbsolutePath().toString());
        browser.click(By.cssSelector("#upload\\:signedElsewhere .ui-chkbox-box"));
        browser.click(By.id("upload:uploadButton"));
        browser.awaitMessage("Release not created: a signed image is at least manifest and signature block");

        Path payload = dir.resolve("payload.bin");
        Files.write(payload, payload(64));
        browser.driver()
                .findElement(By.id("upload:file"))
                .sendKeys(payload.toAbsolutePath().toString());
        browser.type(By.id("upload:version"), "5");
        browser.type(By.id("upload:securityVersion"), "65");
        browser.click(By.id("upload:uploadButton"));
        browser.awaitMessage("Release not created");
        assertEquals(rowsBefore, browser.all(By.cssSelector(".dt-release-id")).size(), "nothing was stored");
    }

    private long upload(byte[] payload, String version, String securityVersion, String build) throws Exception {
        Path file = dir.resolve(build + ".bin");
        Files.write(file, payload);
        browser.driver()
                .findElement(By.id("upload:file"))
                .sendKeys(file.toAbsolutePath().toString());
        browser.type(By.id("upload:version"), version);
        browser.type(By.id("upload:securityVersion"), securityVersion);
        browser.type(By.id("upload:buildId"), build);
        browser.click(By.id("upload:uploadButton"));
        String message = browser.awaitMessage("created (SIGNED)");
        Matcher m = Pattern.compile("Release (\\d+) created \\(SIGNED\\): version " + version)
                .matcher(message);
        assertTrue(m.find(), message);
        return Long.parseLong(m.group(1));
    }

    private static WebElement releaseRow(long release) {
        return browser.all(By.cssSelector("#releasesForm\\:list .dt-release-id")).stream()
                .filter(e -> e.getText().equals(String.valueOf(release)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("release " + release + " is not listed"))
                .findElement(By.xpath("ancestor::tr"));
    }

    /** The client id prefix of the release's row, e.g. releasesForm:list:3. */
    private static String rowId(long release) {
        List<WebElement> ids = browser.all(By.cssSelector("#releasesForm\\:list .dt-release-id"));
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).getText().equals(String.valueOf(release))) {
                return "releasesForm:list:" + i;
            }
        }
        throw new AssertionError("release " + release + " is not listed");
    }

    private static String releaseLabel(long release, String build, int securityVersion) {
        return release + ": version 9 (" + build + "), security version " + securityVersion;
    }

    private static List<String> groupStates() {
        return browser.all(By.cssSelector("#rollout\\:groups .dt-group-state")).stream()
                .map(WebElement::getText)
                .toList();
    }

    private static HttpResponse<byte[]> poll(HttpClient device) throws Exception {
        return device.send(
                HttpRequest.newBuilder(ConsoleBrowser.SERVER.device("/api/v1/device/update"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] payload(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
