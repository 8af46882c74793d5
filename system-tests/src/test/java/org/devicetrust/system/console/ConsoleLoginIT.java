package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Signing in to the console: refusal, lockout after repeated failures, sign-out. */
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
    void signOutEndsTheSession() {
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        browser.screenshot("dashboard");
        browser.click(By.id("session:logout"));
        assertTrue(browser.driver().getCurrentUrl().contains("/login.xhtml"));
        browser.open("/console/devices.xhtml");
        assertTrue(browser.driver().getCurrentUrl().contains("/login.xhtml"), "signed out means signed out");
        assertFalse(browser.driver().getPageSource().contains("session:logout"));
    }
}
