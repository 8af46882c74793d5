package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Roles are enforced by the server: pages and posts outside a role are refused by the container (403) and the
 * EJB boundaries, whatever the browser sends; hidden buttons are only a convenience.
 */
class ConsoleRolesIT {

    private static final String PASSWORD = "role-test-password-1";
    private static ConsoleBrowser browser;
    private static String operator;
    private static String auditor;
    private static String deviceId;

    @BeforeAll
    static void createAccountsAndDevice() {
        browser = new ConsoleBrowser("roles");
        operator = ConsoleActions.unique("op");
        auditor = ConsoleActions.unique("aud");
        deviceId = ConsoleActions.unique("role");
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
        ConsoleActions.createAccount(browser, operator, "operator", PASSWORD);
        ConsoleActions.createAccount(browser, auditor, "auditor", PASSWORD);
        ConsoleActions.registerDevice(browser, deviceId, "Role test device");
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
    void operatorCannotOpenAdminOnlyPagesOrPostTheirActions() {
        browser.signInExpectingConsole(operator, PASSWORD);
        assertTrue(browser.all(By.id("navAccounts")).isEmpty(), "no link to the accounts page");

        browser.open("/console/accounts.xhtml");
        assertTrue(browser.driver().getPageSource().contains("Not allowed"), "accounts page refused");
        browser.screenshot("operator-accounts-refused");

        browser.open("/console/dashboard.xhtml");
        Map<String, String> createAccount = new LinkedHashMap<>();
        createAccount.put("create", "create");
        createAccount.put("create:username", "smuggled-admin");
        createAccount.put("create:password", "smuggled-password-1");
        createAccount.put("create:role_input", "admin");
        createAccount.put("create:createButton", "create:createButton");
        assertEquals(403, browser.postFromPage("/console/accounts.xhtml", createAccount),
                "posting the admin-only action is refused by the server");
        assertEquals(403, browser.postFromPage("/console/audit.xhtml", Map.of("audit", "audit",
                "audit:verify", "audit:verify")), "the audit log is not an operator page");

        // what an operator may do still works
        ConsoleActions.registerDevice(browser, ConsoleActions.unique("opdev"), "Registered by an operator");
    }

    @Test
    void auditorCannotChangeAnything() {
        browser.signInExpectingConsole(auditor, PASSWORD);

        browser.open("/console/devices.xhtml");
        assertTrue(browser.all(By.id("register")).isEmpty(), "no registration form");
        assertTrue(browser.all(By.id("devicesForm:bulkRevoke")).isEmpty(), "no bulk revocation");

        browser.open("/console/issue.xhtml");
        assertTrue(browser.driver().getPageSource().contains("Not allowed"), "issuance page refused");
        browser.open("/console/dashboard.xhtml");
        assertEquals(403, browser.postFromPage("/console/issue.xhtml", Map.of("factory", "factory",
                "factory:factoryDeviceId", deviceId, "factory:generate", "factory:generate")));

        browser.open("/console/device.xhtml?id=" + deviceId);
        assertTrue(browser.all(By.id("device:suspend")).isEmpty(), "no lifecycle buttons");
        assertTrue(browser.all(By.id("device:decommission")).isEmpty(), "no lifecycle buttons");
        browser.screenshot("auditor-device");
        // A forged post of the suspend button with a valid view state: the action is not in the auditor's view,
        // so nothing runs, and the boundary would refuse it anyway.
        Map<String, String> suspend = new LinkedHashMap<>();
        suspend.put("device", "device");
        suspend.put("device:statusReason", "forged");
        suspend.put("device:suspend", "device:suspend");
        suspend.put("jakarta.faces.ViewState", browser.viewState());
        browser.postFromPage("/console/device.xhtml?id=" + deviceId, suspend);
        assertEquals("ACTIVE", ConsoleActions.deviceStatus(browser, deviceId), "the device was not suspended");

        browser.open("/console/crl.xhtml");
        assertTrue(browser.all(By.id("crl:publish")).isEmpty(), "no publish button");

        browser.open("/console/audit.xhtml");
        browser.text(By.id("audit:records"));
        assertTrue(browser.all(By.id("audit:verify")).size() == 1, "auditors read and verify the audit log");
    }
}
