package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console on a fleet of 100,000 devices. Paging, sorting and filtering happen in the database, so the rows
 * the browser shows must be the rows the database itself gives for the same order, at the first and the last
 * page alike.
 *
 * <p>Every action is also timed in the browser (from the click to the updated table, or from navigation start to
 * the load event) beside the database's own time for the same queries, printed and written to
 * {@code target/console-scale.txt}. Times never decide the outcome; {@code ./devicetrust bench} runs this class
 * with more samples ({@code -Ddevicetrust.console.samples=N}).
 */
class ConsoleScaleIT {

    static final int FLEET = 100_000;
    static final int PAGE = 25;
    private static final int SAMPLES = Math.max(1, Integer.getInteger("devicetrust.console.samples", 1));
    private static final String TABLE = "#devicesForm\\:devices";
    private static final String FIRST_ID = TABLE + "_data tr:first-child td:nth-child(2)";
    private static final String FIRST_NAME = TABLE + "_data tr:first-child td:nth-child(3)";

    private static ConsoleBrowser browser;
    private static final Map<String, List<Double>> BROWSER_MS = new LinkedHashMap<>();
    private static final Map<String, List<Double>> DATABASE_MS = new LinkedHashMap<>();

    /** Adds the devices scale-000001 ... scale-100000 straight into the database (once per database). */
    @BeforeAll
    static void seedFleetAndSignIn() throws SQLException {
        try (Connection db = DeviceTrustServer.database(); Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM device WHERE id LIKE 'scale-%'")) {
                r.next();
                if (r.getLong(1) < FLEET) {
                    s.executeUpdate("INSERT INTO device (id, name, status, created_at, updated_at, version)"
                            + " SELECT 'scale-' || lpad(g::text, 6, '0'),"
                            + "  'Sensor ' || ((g * 7919) % 100003) || ' hall ' || (g % 97),"
                            + "  CASE WHEN g % 50 = 0 THEN 'SUSPENDED' WHEN g % 333 = 0 THEN 'DECOMMISSIONED'"
                            + "  ELSE 'ACTIVE' END,"
                            + "  TIMESTAMP '2026-01-01' + g * INTERVAL '1 minute',"
                            + "  TIMESTAMP '2026-03-01' + ((g * 31) % 100000) * INTERVAL '1 minute', 0"
                            + " FROM generate_series(1, " + FLEET + ") g"
                            + " ON CONFLICT (id) DO NOTHING");
                    s.execute("ANALYZE device");
                }
            }
        }
        browser = new ConsoleBrowser("scale");
        browser.signInExpectingConsole("admin", ConsoleBrowser.SERVER.adminPassword);
    }

    @AfterAll
    static void report() throws IOException {
        if (browser != null) {
            browser.close();
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "console with %,d devices: median (max) of %d sample(s), ms%n%-44s %18s %18s%n", total(), SAMPLES,
                "", "browser", "database alone"));
        for (Map.Entry<String, List<Double>> row : BROWSER_MS.entrySet()) {
            List<Double> db = DATABASE_MS.get(row.getKey());
            out.append(String.format(Locale.ROOT, "%-44s %18s %18s%n", row.getKey(), summary(row.getValue()),
                    db == null ? "-" : summary(db)));
        }
        System.out.print(out);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "console-scale.txt"), out);
    }

    @Test
    void pagesSortsAndFiltersTheWholeFleetInTheDatabase() throws SQLException {
        long total = total();
        assertTrue(total >= FLEET, "the fleet is seeded: " + total);
        for (int sample = 0; sample < SAMPLES; sample++) {
            timePage("devices page, full load", "/console/devices.xhtml");
            assertEquals(String.format(Locale.ROOT, "1-%d of %d", PAGE, total), paginator());
            assertEquals(row("SELECT id FROM device ORDER BY id LIMIT 1"), browser.text(By.cssSelector(FIRST_ID)));

            timeClick("next page", By.cssSelector(TABLE + " .ui-paginator-next"),
                    "SELECT COUNT(id) FROM device", "SELECT * FROM device ORDER BY id LIMIT 25 OFFSET 25");
            assertEquals(row("SELECT id FROM device ORDER BY id LIMIT 1 OFFSET 25"),
                    browser.text(By.cssSelector(FIRST_ID)));

            long lastPage = (total - 1) / PAGE * PAGE;
            timeClick("last page", By.cssSelector(TABLE + " .ui-paginator-last"), "SELECT COUNT(id) FROM device",
                    "SELECT * FROM device ORDER BY id LIMIT 25 OFFSET " + lastPage);
            assertEquals(row("SELECT id FROM device ORDER BY id LIMIT 1 OFFSET " + lastPage),
                    browser.text(By.cssSelector(FIRST_ID)));

            // A new order keeps or resets the page, as the table decides: compare at the page it shows.
            timeClick("sort by name, ascending", header("Name"), "SELECT COUNT(id) FROM device",
                    "SELECT * FROM device ORDER BY name, id LIMIT 25");
            assertEquals(row("SELECT name FROM device ORDER BY name, id LIMIT 1 OFFSET " + shownOffset()),
                    browser.text(By.cssSelector(FIRST_NAME)));

            timeClick("sort by name, descending", header("Name"), "SELECT COUNT(id) FROM device",
                    "SELECT * FROM device ORDER BY name DESC, id DESC LIMIT 25");
            assertEquals(row("SELECT name FROM device ORDER BY name DESC, id DESC LIMIT 1 OFFSET " + shownOffset()),
                    browser.text(By.cssSelector(FIRST_NAME)));

            timeClick("last page, sorted by name descending", By.cssSelector(TABLE + " .ui-paginator-last"),
                    "SELECT COUNT(id) FROM device",
                    "SELECT * FROM device ORDER BY name DESC, id DESC LIMIT 25 OFFSET " + lastPage);
            assertEquals(row("SELECT name FROM device ORDER BY name DESC, id DESC LIMIT 1 OFFSET " + lastPage),
                    browser.text(By.cssSelector(FIRST_NAME)));

            timeClick("sort by last update", header("Updated"), "SELECT COUNT(id) FROM device",
                    "SELECT * FROM device ORDER BY updated_at, id LIMIT 25");
            assertEquals(row("SELECT id FROM device ORDER BY updated_at, id LIMIT 1"),
                    browser.text(By.cssSelector(FIRST_ID)));

            String text = "scale-0421";
            browser.type(By.id("devicesForm:search"), text);
            String where = " WHERE id LIKE '%" + text + "%' OR lower(name) LIKE '%" + text + "%'";
            timeClick("filter by text (id or name contains)", By.id("devicesForm:filter"),
                    "SELECT COUNT(id) FROM device" + where,
                    "SELECT * FROM device" + where + " ORDER BY updated_at, id LIMIT 25");
            long matching = count("SELECT COUNT(*) FROM device" + where);
            assertEquals(100, matching, "scale-042100 ... scale-042199");
            assertEquals(String.format(Locale.ROOT, "1-%d of %d", PAGE, matching), paginator());
            assertEquals(row("SELECT id FROM device" + where + " ORDER BY updated_at, id LIMIT 1"),
                    browser.text(By.cssSelector(FIRST_ID)));

            browser.type(By.id("devicesForm:search"), "");
            browser.choose("devicesForm:statusFilter", "SUSPENDED");
            timeClick("filter by status", By.id("devicesForm:filter"),
                    "SELECT COUNT(id) FROM device WHERE status = 'SUSPENDED'",
                    "SELECT * FROM device WHERE status = 'SUSPENDED' ORDER BY updated_at, id LIMIT 25");
            long suspended = count("SELECT COUNT(*) FROM device WHERE status = 'SUSPENDED'");
            assertEquals(String.format(Locale.ROOT, "1-%d of %d", PAGE, suspended), paginator());
            assertEquals(row("SELECT id FROM device WHERE status = 'SUSPENDED' ORDER BY updated_at, id LIMIT 1"),
                    browser.text(By.cssSelector(FIRST_ID)));

            timePage("dashboard, full load", "/console/dashboard.xhtml");
            String device = "scale-050000";
            timePage("device detail, full load", "/console/device.xhtml?id=" + device);
            assertEquals(device, browser.text(By.id("device:deviceId")));
            timePage("CRL page, full load", "/console/crl.xhtml");
            timePage("audit log, full load", "/console/audit.xhtml");
            timePage("reference: static page, full load", "/forbidden.html");
        }
        browser.open("/console/devices.xhtml");
        browser.screenshot("devices-100k");
    }

    private static String paginator() {
        return browser.text(By.cssSelector(TABLE + " .ui-paginator-current"));
    }

    /** The offset of the first row shown, from "start-end of total". */
    private static long shownOffset() {
        return Long.parseLong(paginator().substring(0, paginator().indexOf('-'))) - 1;
    }

    private static By header(String label) {
        return By.xpath("//*[@id='devicesForm:devices']//thead//th[.//span[normalize-space()='" + label + "']]");
    }

    /** Clicks and waits for the ajax update to be applied and painted; records both sides of the row. */
    private static void timeClick(String action, By target, String... sameQueries) throws SQLException {
        WebElement element = browser.driver.findElement(target);
        Object ms = browser.driver.executeAsyncScript(
                "const [el, done] = [arguments[0], arguments[arguments.length - 1]];"
                        + "const t0 = performance.now();"
                        + "jQuery(document).one('pfAjaxComplete', () =>"
                        + "  requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0)));"
                        + "el.click();",
                element);
        browser.waitForAjax();
        record(BROWSER_MS, action, ((Number) ms).doubleValue());
        record(DATABASE_MS, action, databaseMillis(sameQueries));
    }

    /** Navigates and reads the page's own timing: navigation start to the end of the load event. */
    private static void timePage(String page, String path) {
        browser.open(path);
        Object ms = browser.driver.executeScript(
                "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;");
        record(BROWSER_MS, page, ((Number) ms).doubleValue());
    }

    private static double databaseMillis(String... queries) throws SQLException {
        try (Connection db = DeviceTrustServer.database(); Statement s = db.createStatement()) {
            for (String q : queries) { // warm the connection and the plan cache like the server's pool
                s.executeQuery(q).close();
            }
            long start = System.nanoTime();
            for (String q : queries) {
                try (ResultSet r = s.executeQuery(q)) {
                    while (r.next()) {
                        r.getString(1);
                    }
                }
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static void record(Map<String, List<Double>> table, String key, double ms) {
        table.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
    }

    private static String summary(List<Double> ms) {
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.1f (%.1f)", median, Arrays.stream(sorted).max().orElse(0));
    }

    private static long total() {
        try {
            return count("SELECT COUNT(*) FROM device");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) throws SQLException {
        return Long.parseLong(row(sql));
    }

    private static String row(String sql) throws SQLException {
        try (Connection db = DeviceTrustServer.database(); PreparedStatement s = db.prepareStatement(sql);
                ResultSet r = s.executeQuery()) {
            assertTrue(r.next(), "no row for " + sql);
            return r.getString(1);
        }
    }
}
