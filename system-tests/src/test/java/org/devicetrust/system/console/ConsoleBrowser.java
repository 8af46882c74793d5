package org.devicetrust.system.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.devicetrust.system.DeviceTrustServer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium per test class, driving the console of the server under test. The browser trusts the
 * server's TLS key by its SPKI pin (read over a connection that trusts our root CA only), so nothing is trusted
 * blindly.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;

    final ChromeDriver driver;
    private final WebDriverWait wait;

    ConsoleBrowser(String name) {
        Path profile = Path.of("target", "chromium", name).toAbsolutePath();
        try {
            Files.createDirectories(profile.resolve("config"));
            Files.createDirectories(profile.resolve("cache"));
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .withEnvironment(Map.of(
                        "XDG_CONFIG_HOME",
                        profile.resolve("config").toString(),
                        "XDG_CACHE_HOME",
                        profile.resolve("cache").toString()))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--no-proxy-server",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.resolve("profile"),
                "--window-size=1400,1000",
                "--ignore-certificate-errors-spki-list=" + serverSpkiPin());
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)) of the console's TLS certificate, read over a root-trusting link. */
    private static String serverSpkiPin() {
        try (SSLSocket socket =
                (SSLSocket) SERVER.trustingRoot().getSocketFactory().createSocket("localhost", SERVER.httpsPort)) {
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256")
                            .digest(leaf.getPublicKey().getEncoded()));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read the server certificate on port " + SERVER.httpsPort, e);
        }
    }

    void open(String path) {
        driver.get(SERVER.https(path).toString());
        waitForAjax();
    }

    void signIn(String user, String password) {
        open("/login.xhtml");
        type(By.id("login:username"), user);
        type(By.id("login:password"), password);
        driver.findElement(By.id("login:signIn")).click();
        wait.until(d -> d.getCurrentUrl().contains("/console/")
                || !d.findElements(By.cssSelector("#login\\:messages .ui-messages-error"))
                        .isEmpty());
    }

    void signInExpectingConsole(String user, String password) {
        signIn(user, password);
        wait.until(ExpectedConditions.urlContains("/console/dashboard.xhtml"));
    }

    void signOut() {
        if (!driver.findElements(By.id("session:logout")).isEmpty()) {
            driver.findElement(By.id("session:logout")).click();
            wait.until(ExpectedConditions.urlContains("/login.xhtml"));
        }
        driver.manage().deleteAllCookies();
    }

    void type(By field, String text) {
        WebElement element = driver.findElement(field);
        element.clear();
        element.sendKeys(text);
    }

    void click(By button) {
        wait.until(ExpectedConditions.elementToBeClickable(button)).click();
        waitForAjax();
    }

    /**
     * Chooses an option of a PrimeFaces selectOneMenu by its label, as a person would (open, click the item),
     * and waits until the menu shows it: a click landing while the panel still opens is repeated.
     */
    void choose(String menuId, String label) {
        By menu = By.id(menuId);
        By item = By.cssSelector("#" + menuId.replace(":", "\\:") + "_items li[data-label='" + label + "']");
        By shown = By.id(menuId + "_label");
        for (int attempt = 0;
                attempt < 5 && !label.equals(driver.findElement(shown).getText());
                attempt++) {
            if (driver.findElements(item).stream()
                    .noneMatch(WebElement::isDisplayed)) { // the panel is built on opening
                click(menu);
            }
            wait.until(ExpectedConditions.visibilityOfElementLocated(item));
            click(item);
            try {
                new WebDriverWait(driver, Duration.ofSeconds(2)).until(ExpectedConditions.textToBe(shown, label));
            } catch (org.openqa.selenium.TimeoutException e) {
                // the panel was still opening; try again
            }
        }
        if (!label.equals(driver.findElement(shown).getText())) {
            throw new AssertionError("cannot choose '" + label + "' in " + menuId);
        }
    }

    /**
     * The element's text once it is visible, found again if a page's own ajax poll re-renders it between the
     * lookup and the read (a stale element is looked up again, never an error).
     */
    String text(By element) {
        return wait.until(d -> {
            try {
                WebElement found = d.findElement(element);
                return found.isDisplayed() ? found.getText() : null;
            } catch (StaleElementReferenceException e) {
                return null;
            }
        });
    }

    List<WebElement> all(By selector) {
        return driver.findElements(selector);
    }

    /** The text of every message area, read in one script so that an ajax update cannot make it stale. */
    String messages() {
        return (String) driver.executeScript(
                "return Array.from(document.querySelectorAll('.ui-messages'))" + ".map(e => e.innerText).join('\\n');");
    }

    /** Waits for the message area to contain the text (after an ajax or full-page action). */
    String awaitMessage(String contains) {
        return awaitMessage(contains, Duration.ofSeconds(20));
    }

    String awaitMessage(String contains, Duration timeout) {
        try {
            new WebDriverWait(driver, timeout).until(d -> messages().contains(contains));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("failed-" + System.currentTimeMillis());
            throw new AssertionError(
                    "expected a message containing '" + contains + "'; the page shows: " + messages(), e);
        }
        return messages();
    }

    void waitForAjax() {
        wait.until(d -> (Boolean) ((JavascriptExecutor) d)
                .executeScript("return document.readyState === 'complete' && (!window.jQuery || jQuery.active === 0)"
                        + " && (!window.PrimeFaces || !PrimeFaces.ajax || PrimeFaces.ajax.Queue.isEmpty());"));
    }

    /** Posts form fields from inside the page (same origin, with the session cookie); returns the HTTP status. */
    long postFromPage(String path, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(java.net.URLEncoder.encode(field.getKey(), java.nio.charset.StandardCharsets.UTF_8))
                    .append('=')
                    .append(java.net.URLEncoder.encode(field.getValue(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Object status = driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {method: 'POST', credentials: 'same-origin', redirect: 'manual',"
                        + " headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})"
                        + ".then(r => done(r.status)).catch(e => done(-1));",
                path,
                body.toString());
        return ((Number) status).longValue();
    }

    /** The view state of the first form on the page (what a forged post would have to carry). */
    String viewState() {
        return driver.findElement(By.name("jakarta.faces.ViewState")).getAttribute("value");
    }

    void screenshot(String name) {
        try {
            Files.write(
                    SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages the browser logged since the last call that mention the Content Security Policy. */
    List<String> cspViolations() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy"))
                .toList();
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
