package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Signing in to the console and the admin API: refusal, lockout after repeated failures, sign-out. */
class ConsoleLoginIT {

    private static ConsoleBrowser browser;

    @BeforeAll
    static void startBrowser() {
        browser = new ConsoleBrowser("login");
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    @Test
    void wrongPasswordIsRefused() {
        browser.signIn("admin", "not-the-password-123");
        assertTrue(browser.driver().getCurrentUrl().contains("/login.xhtml"));
        assertTrue(browser.messages().contains("Wrong user name or password."), browser.messages());
        browser.screenshot("login-refused");
        browser.open("/console/dashboard.xhtml");
        assertTrue(browser.driver().getCurrentUrl().contains("/login.xhtml"), "the console stays closed");
    }

    @Test
    void accountLocksAfterRepeatedFailures() {
        String user = ConsoleActions.unique("locked");
        String password = "lock-test-password-1";
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        ConsoleActions.createAccount(browser, user, "operator", password);
        browser.signOut();

        for (int attempt = 1; attempt <= 5; attempt++) {
            browser.signIn(user, "wrong-password-" + attempt);
        }
        assertTrue(browser.messages().contains("locked"), browser.messages());
        browser.signIn(user, password);
        assertTrue(browser.driver().getCurrentUrl().contains("/login.xhtml"),
                "the right password is refused while the account is locked");
        assertTrue(browser.messages().contains("locked"), browser.messages());
        browser.screenshot("login-locked");
    }

    @Test
    void passwordsAreCheckedOncePerSignInAndOncePerMinuteOnTheApiButALockoutAppliesAtOnce() throws SQLException {
        String user = ConsoleActions.unique("api");
        String password = "api-test-password-1";
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        ConsoleActions.createAccount(browser, user, "operator", password);
        browser.signOut();
        browser.signInExpectingConsole(user, password);
        browser.signOut();
        assertEquals(1, successfulLogins(user), "a console sign-in checks and records the password once");

        for (int call = 0; call < 3; call++) {
            assertEquals(200, api(user, password), "call " + call);
        }
        assertEquals(2, successfulLogins(user), "three API calls within a minute verify the password once");
        assertEquals(401, api(user, password + "x"), "a near miss is not taken for the remembered password");

        for (int attempt = 2; attempt <= 5; attempt++) {
            assertEquals(401, api(user, "wrong-password-" + attempt));
        }
        assertEquals(401, api(user, password), "the right password is refused once the account is locked");
        assertEquals(2, successfulLogins(user));
    }

    private static int api(String user, String password) {
        return ConsoleBrowser.SERVER.asUser(user, password, "GET", "/api/v1/admin/crl", null, null).statusCode();
    }

    private static long successfulLogins(String user) throws SQLException {
        try (Connection db = DeviceTrustServer.database(); PreparedStatement count = db.prepareStatement(
                "SELECT COUNT(*) FROM audit_record WHERE action = 'ADMIN_LOGIN' AND outcome = 'SUCCESS'"
                        + " AND actor = ?")) {
            count.setString(1, user);
            try (ResultSet r = count.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void signOutEndsTheSession() {
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        browser.screenshot("dashboard");
        browser.click(By.id("session:logout"));
        // the logout is a full-page post and redirect: wait for the navigation rather than read the URL at once
        new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(
                ExpectedConditions.urlContains("/login.xhtml"));
        browser.open("/console/devices.xhtml");
        assertTrue(browser.driver().getCurrentUrl().contains("/login.xhtml"), "signed out means signed out");
        assertFalse(browser.driver().getPageSource().contains("session:logout"));
    }
}
