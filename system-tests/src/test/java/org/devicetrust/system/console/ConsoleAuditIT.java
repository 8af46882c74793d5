package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The audit chain verifies in the console, and a row altered directly in the database is reported. */
class ConsoleAuditIT {

    private static ConsoleBrowser browser;

    @BeforeAll
    static void signIn() {
        browser = new ConsoleBrowser("audit");
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    @Test
    void auditChainVerifiesAndReportsTheFirstAlteredRecord() throws SQLException {
        browser.open("/console/audit.xhtml");
        browser.click(By.id("audit:verify"));
        assertTrue(browser.awaitMessage("Audit chain").contains("Audit chain intact"), browser.messages());

        try (Connection db = DeviceTrustServer.database()) {
            long seq;
            String original;
            try (PreparedStatement select = db.prepareStatement(
                    "SELECT seq, detail FROM audit_record WHERE seq = (SELECT MAX(seq) - 1 FROM audit_record)");
                    ResultSet row = select.executeQuery()) {
                assertTrue(row.next(), "the audit log has records");
                seq = row.getLong(1);
                original = row.getString(2);
            }
            try {
                update(db, seq, "x");
                browser.click(By.id("audit:verify"));
                String message = browser.awaitMessage("Audit chain broken");
                assertTrue(message.contains("first broken link at record " + seq), message);
                browser.screenshot("audit-broken");
            } finally {
                update(db, seq, original);
            }
        }
        browser.click(By.id("audit:verify"));
        browser.awaitMessage("Audit chain intact");
    }

    private static void update(Connection db, long seq, String detail) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("UPDATE audit_record SET detail = ? WHERE seq = ?")) {
            update.setString(1, detail);
            update.setLong(2, seq);
            update.executeUpdate();
        }
    }
}
