package org.devicetrust.system.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.devicetrust.system.DeviceTrustServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;

/** An administrator runs the fleet from the console: register, issue, revoke, bulk revoke, factory PKCS#12. */
class ConsoleDevicesIT {

    private static final DeviceTrustServer SERVER = ConsoleBrowser.SERVER;
    private static ConsoleBrowser browser;
    private static Path keys;

    @BeforeAll
    static void signIn() throws IOException {
        keys = Files.createDirectories(Path.of("target", "console-keys").toAbsolutePath());
        browser = new ConsoleBrowser("devices");
        browser.signInExpectingConsole("admin", SERVER.adminPassword);
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }

    @Test
    void registeredDeviceAppearsInTheFilteredTable() {
        String id = ConsoleActions.unique("reg");
        ConsoleActions.registerDevice(browser, id, "Boiler room sensor");
        browser.type(By.id("devicesForm:search"), id);
        browser.click(By.id("devicesForm:filter"));
        assertEquals(id, browser.text(By.cssSelector("#devicesForm\\:devices_data tr:first-child td:nth-child(2)")));
        assertEquals("ACTIVE", browser.text(By.cssSelector("#devicesForm\\:devices_data .dt-status-ACTIVE")));
        assertTrue(
                browser.text(By.cssSelector("#devicesForm\\:devices .ui-paginator-current"))
                        .endsWith(" of 1"),
                "the count follows the filter");
        browser.screenshot("devices");
    }

    @Test
    void certificateIssuedFromCsrIsShownOnTheDevice() {
        String id = ConsoleActions.unique("csr");
        ConsoleActions.registerDevice(browser, id, "CSR device");
        String serial = ConsoleActions.issueFromCsr(browser, id, ConsoleActions.opensslCsr(keys, id));
        browser.screenshot("issue-from-csr");
        browser.open("/console/device.xhtml?id=" + id);
        int row = ConsoleActions.rowOfSerial(browser, serial);
        assertEquals(
                "ISSUED",
                browser.text(
                        By.cssSelector("#device\\:certificates_data tr:nth-child(" + (row + 1) + ") .dt-cert-status")));
        browser.screenshot("device");
    }

    @Test
    void revokedCertificateIsRefusedByTheDeviceApiAndListedInTheCrl() throws Exception {
        String id = ConsoleActions.unique("rev");
        ConsoleActions.registerDevice(browser, id, "Revoked device");
        String serial = ConsoleActions.issueFromCsr(browser, id, ConsoleActions.opensslCsr(keys, id));
        HttpClient device = mtlsClient(id, serial);
        HttpResponse<String> before = session(device);
        assertEquals(200, before.statusCode(), "device API before revocation: " + before.body());
        assertEquals("AUTH OK " + id, before.body().strip());

        ConsoleActions.revoke(browser, id, serial, "keyCompromise");
        int row = ConsoleActions.rowOfSerial(browser, serial);
        assertEquals(
                "REVOKED",
                browser.text(
                        By.cssSelector("#device\\:certificates_data tr:nth-child(" + (row + 1) + ") .dt-cert-status")));

        // The application checks revocation on every request; a fresh connection may also be refused at the
        // handshake once the listener has the new CRL. Either way the device is out.
        HttpClient fresh = mtlsClient(id, serial);
        try {
            HttpResponse<String> after = session(fresh);
            assertTrue(
                    after.statusCode() == 401 || after.statusCode() == 403,
                    "revoked certificate must be refused, got " + after.statusCode() + ": " + after.body());
        } catch (IOException refusedAtHandshake) {
            // refused by the TLS layer: what a revoked device sees too
        }

        browser.open("/console/crl.xhtml");
        boolean listed = browser.all(By.cssSelector(".dt-crl-serial")).stream()
                .anyMatch(e -> e.getText().equals(serial));
        assertTrue(listed, "the current CRL lists " + serial);
        browser.screenshot("crl");
    }

    @Test
    void enrollmentTokenIsShownOnceAndEnrollsOverEstExactlyOnce() throws Exception {
        String id = ConsoleActions.unique("tok");
        ConsoleActions.registerDevice(browser, id, "Token device");
        browser.open("/console/device.xhtml?id=" + id);
        browser.click(By.id("device:createToken"));
        String token = browser.text(By.id("tokenValue"));
        assertTrue(token.length() >= 40, "a 256-bit token: " + token);
        browser.screenshot("enrollment-token");

        String csrPem = ConsoleActions.opensslCsr(keys, id);
        String body = csrPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        HttpRequest enroll = HttpRequest.newBuilder(SERVER.https("/.well-known/est/simpleenroll"))
                .timeout(Duration.ofSeconds(30))
                .header(
                        "Authorization",
                        "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(
                                                (id + ":" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .header("Content-Type", "application/pkcs10")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpClient client =
                HttpClient.newBuilder().sslContext(SERVER.trustingRoot()).build();
        HttpResponse<String> first = client.send(enroll, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/pkcs7-mime"));
        HttpResponse<String> again = client.send(enroll, HttpResponse.BodyHandlers.ofString());
        assertEquals(401, again.statusCode(), "a token enrolls once: " + again.body());

        browser.open("/console/device.xhtml?id=" + id);
        assertFalse(browser.driver().getPageSource().contains(token), "the token is not shown again");
    }

    @Test
    void deviceNamedLikeAScriptIsShownAsText() {
        String id = ConsoleActions.unique("xss");
        String name = "<script>alert(1)</script>";
        ConsoleActions.registerDevice(browser, id, name);
        browser.type(By.id("devicesForm:search"), id);
        browser.click(By.id("devicesForm:filter"));
        assertEquals(name, browser.text(By.cssSelector("#devicesForm\\:devices_data .dt-device-name")));
        assertThrows(
                NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
        browser.open("/console/device.xhtml?id=" + id);
        assertEquals(name, browser.text(By.id("device:deviceName")));
        assertThrows(
                NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
        assertTrue(browser.driver().getPageSource().contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void bulkRevocationShowsProgressAndRevokesEverySelectedCertificate() {
        String prefix = ConsoleActions.unique("bulk");
        for (int i = 0; i < 3; i++) {
            String id = prefix + "-" + i;
            ConsoleActions.registerDevice(browser, id, "Bulk " + i);
            ConsoleActions.issueFromCsr(browser, id, ConsoleActions.opensslCsr(keys, id));
        }
        long crlBefore = currentCrlNumber();
        browser.open("/console/devices.xhtml");
        browser.type(By.id("devicesForm:search"), prefix);
        browser.click(By.id("devicesForm:filter"));
        browser.click(By.cssSelector("#devicesForm\\:devices .ui-chkbox-all .ui-chkbox-box"));
        browser.click(By.id("devicesForm:bulkRevoke"));
        browser.click(By.id("devicesForm:confirmYes"));
        browser.text(By.id("devicesForm:bulkProgress"));
        // the progress text stays on the page (the closing message may be replaced by a last poll)
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Duration.ofSeconds(90))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("devicesForm:bulkCount"))
                        .getText()
                        .equals("3 of 3 processed, 0 failed (finished)"));
        browser.screenshot("bulk-revoke");
        assertEquals(crlBefore + 1, currentCrlNumber(), "one CRL for the whole bulk revocation");
        for (int i = 0; i < 3; i++) {
            browser.open("/console/device.xhtml?id=" + prefix + "-" + i);
            assertEquals("REVOKED", browser.text(By.cssSelector("#device\\:certificates_data .dt-cert-status")));
        }
    }

    private static long currentCrlNumber() {
        var response = SERVER.admin("GET", "/api/v1/admin/crl", null, null);
        assertEquals(200, response.statusCode(), response.body());
        // revocations publish delta CRLs: the newest number of the shared sequence is the delta's
        var crl = DeviceTrustServer.json(response.body());
        return !crl.containsKey("delta") || crl.isNull("delta")
                ? crl.getJsonNumber("crlNumber").longValue()
                : crl.getJsonObject("delta").getJsonNumber("crlNumber").longValue();
    }

    @Test
    void factoryPkcs12PasswordIsShownOnlyOnce() {
        String id = ConsoleActions.unique("fac");
        ConsoleActions.registerDevice(browser, id, "Factory device");
        browser.open("/console/issue.xhtml");
        browser.type(By.id("factory:factoryDeviceId"), id);
        browser.click(By.id("factory:generate"));
        browser.awaitMessage("issued to device " + id);
        String password = browser.text(By.id("downloads:p12Password"));
        assertEquals(20, password.length());
        browser.screenshot("issue-factory");
        browser.driver().navigate().refresh();
        browser.waitForAjax();
        assertFalse(browser.driver().getPageSource().contains(password), "the password is not shown again");
    }

    @Test
    void mainPagesRenderWithoutContentSecurityPolicyViolations() {
        browser.cspViolations();
        browser.open("/console/devices.xhtml");
        // an ajax round trip that every table offers, whatever the number of devices: sort by a column
        browser.click(By.cssSelector("#devicesForm\\:devices th.ui-sortable-column"));
        browser.open("/console/dashboard.xhtml");
        browser.text(By.id("authorizations"));
        browser.screenshot("dashboard");
        browser.open("/console/audit.xhtml");
        browser.text(By.id("audit:records"));
        browser.screenshot("audit");
        browser.open("/console/accounts.xhtml");
        browser.screenshot("accounts");
        assertEquals(java.util.List.of(), browser.cspViolations(), "PrimeFaces works under the console's CSP");
    }

    private static HttpResponse<String> session(HttpClient client) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(SERVER.device("/api/v1/device/session"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A device's client: its openssl key and the certificate the console issued (read from the admin API). */
    private static HttpClient mtlsClient(String id, String serial) throws Exception {
        HttpResponse<String> cert = SERVER.admin("GET", "/api/v1/admin/certificates/" + serial, null, null);
        assertEquals(200, cert.statusCode(), cert.body());
        X509Certificate certificate = DeviceTrustServer.certificate(
                DeviceTrustServer.json(cert.body()).getString("pem"));
        PrivateKey key;
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(keys.resolve(id + ".key"))))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            key = o instanceof PEMKeyPair pair
                    ? converter.getKeyPair(pair).getPrivate()
                    : converter.getPrivateKey((PrivateKeyInfo) o);
        }
        char[] password = "console-test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("device", key, password, new X509Certificate[] {certificate});
        return HttpClient.newBuilder()
                .sslContext(SERVER.sslContext(store, password))
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }
}
