package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.devicetrust.system.DeviceTrustServer;
import org.openqa.selenium.By;

/** What the tests do through the console pages, as a person would. */
final class ConsoleActions {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private ConsoleActions() {
    }

    /** A lowercase name unique to this run, usable as device id and user name. */
    static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36)
                + COUNTER.incrementAndGet();
    }

    /** As admin: creates an account on the accounts page. */
    static void createAccount(ConsoleBrowser browser, String username, String role, String password) {
        browser.open("/console/accounts.xhtml");
        browser.type(By.id("create:username"), username);
        browser.type(By.id("create:password"), password);
        browser.choose("create:role", role);
        browser.click(By.id("create:createButton"));
        browser.awaitMessage("Account " + username + " created");
    }

    static void registerDevice(ConsoleBrowser browser, String id, String name) {
        browser.open("/console/devices.xhtml");
        browser.type(By.id("register:newId"), id);
        browser.type(By.id("register:newName"), name);
        browser.click(By.id("register:registerButton"));
        browser.awaitMessage("Device " + id + " registered");
    }

    /** Opens the device page and returns the status shown. */
    static String deviceStatus(ConsoleBrowser browser, String id) {
        browser.open("/console/device.xhtml?id=" + id);
        return browser.text(By.id("device:deviceStatus"));
    }

    /** A key and CSR made with openssl req, as on a device; the key stays in the test directory. */
    static String opensslCsr(Path dir, String deviceId) {
        return DeviceTrustServer.opensslCsr(dir, deviceId, deviceId);
    }

    /** Pastes the CSR on the issue page and returns the serial the console reports. */
    static String issueFromCsr(ConsoleBrowser browser, String deviceId, String csrPem) {
        browser.open("/console/issue.xhtml?device=" + deviceId);
        browser.type(By.id("fromCsr:deviceId"), deviceId);
        browser.driver().findElement(By.id("fromCsr:csr")).sendKeys(csrPem);
        browser.click(By.id("fromCsr:issue"));
        browser.awaitMessage("issued to device " + deviceId);
        return browser.text(By.id("issuedSerial"));
    }

    /** On the device page: revoke with the reason picker and the confirmation dialog. */
    static void revoke(ConsoleBrowser browser, String deviceId, String serial, String reasonLabel) {
        browser.open("/console/device.xhtml?id=" + deviceId);
        int row = rowOfSerial(browser, serial);
        browser.click(By.id("device:certificates:" + row + ":revoke"));
        String dialogSerial = browser.text(By.id("device:revokeSerial"));
        String dialogDevice = browser.text(By.id("device:revokeDevice"));
        assertEquals(serial, dialogSerial, "the confirmation names the serial");
        assertEquals(deviceId, dialogDevice, "the confirmation names the device");
        browser.choose("device:revokeReason", reasonLabel);
        browser.screenshot("revoke-confirmation");
        browser.click(By.id("device:confirmRevoke"));
        browser.awaitMessage("Certificate " + serial + " of device " + deviceId + " revoked");
    }

    static int rowOfSerial(ConsoleBrowser browser, String serial) {
        var serials = browser.all(By.cssSelector("#device\\:certificates .dt-serial"));
        for (int i = 0; i < serials.size(); i++) {
            if (serials.get(i).getText().equals(serial)) {
                return i;
            }
        }
        throw new AssertionError("serial " + serial + " not on the device page");
    }
}
