package org.devicetrust.cli;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The admin REST API as the launcher's {@code firmware release|approve|...} and {@code rollout ...} commands use
 * it: HTTP Basic over TLS, trusting only our root CA, answers parsed as JSON. A refusal becomes a
 * {@link CommandException} that shows the server's problem details (type, title, detail); the password is never
 * part of any message.
 */
final class AdminApi {

    static final String PROBLEM_JSON = "application/problem+json";

    private final URI base;
    private final HttpClient client;
    private final String authorization;

    AdminApi(URI base, SSLContext tls, String user, char[] password) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.client = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        byte[] credentials = (user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(credentials);
    }

    /**
     * Settings of the launcher's environment: {@code DEVICETRUST_ADMIN_URL} (the admin API, e.g.
     * {@code https://localhost:8181/api/v1/admin/}), {@code DEVICETRUST_DATA_DIR} (its {@code pki/root-ca.pem} is
     * the only trust anchor), {@code DEVICETRUST_ADMIN_USER} (default {@code admin}) and
     * {@code DEVICETRUST_ADMIN_PASSWORD}; without a password, the first administrator's is read from
     * {@code secrets/initial-admin-password} of the data directory, where {@code ./devicetrust start} keeps it.
     */
    static AdminApi fromEnvironment(Map<String, String> env) {
        String url = env.get("DEVICETRUST_ADMIN_URL");
        String data = env.get("DEVICETRUST_DATA_DIR");
        if (url == null || url.isBlank() || data == null || data.isBlank()) {
            throw new CommandException(
                    "DEVICETRUST_ADMIN_URL and DEVICETRUST_DATA_DIR are not set: run this through ./devicetrust");
        }
        Path dataDir = Path.of(data);
        String user = env.getOrDefault("DEVICETRUST_ADMIN_USER", "admin");
        if (user.isBlank()) {
            user = "admin";
        }
        return new AdminApi(
                URI.create(url), trusting(dataDir.resolve("pki/root-ca.pem")), user, password(env, user, dataDir));
    }

    static char[] password(Map<String, String> env, String user, Path dataDir) {
        String given = env.get("DEVICETRUST_ADMIN_PASSWORD");
        if (given != null && !given.isEmpty()) {
            return given.toCharArray();
        }
        Path initial = dataDir.resolve("secrets/initial-admin-password");
        if ("admin".equals(user) && Files.isReadable(initial)) {
            try {
                String p = Files.readString(initial, StandardCharsets.UTF_8).strip();
                if (!p.isEmpty()) {
                    return p.toCharArray();
                }
            } catch (IOException e) {
                throw new CommandException("cannot read " + initial + ": " + e.getMessage());
            }
        }
        throw new CommandException("set DEVICETRUST_ADMIN_PASSWORD to the password of administrator '" + user + "'");
    }

    /** A TLS context whose only trust anchor is this PEM certificate. */
    static SSLContext trusting(Path rootCa) {
        if (!Files.isRegularFile(rootCa)) {
            throw new CommandException(
                    "no root CA at " + rootCa + ": is DEVICETRUST_DATA_DIR the server's data directory?");
        }
        try (InputStream in = Files.newInputStream(rootCa)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandException(rootCa + ": not a certificate: " + e.getMessage());
        }
    }

    JsonObject get(String path) {
        return object(send(request(path).GET(), "GET", path));
    }

    JsonStructure getAny(String path) {
        return send(request(path).GET(), "GET", path);
    }

    JsonObject post(String path) {
        return object(send(request(path).POST(HttpRequest.BodyPublishers.noBody()), "POST", path));
    }

    JsonObject post(String path, String contentType, byte[] body) {
        return object(send(
                request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                "POST",
                path));
    }

    JsonObject postJson(String path, JsonObject body) {
        return post(path, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", authorization)
                .header("Accept", "application/json");
    }

    private JsonStructure send(HttpRequest.Builder builder, String method, String path) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CommandException("the admin API at " + base + " does not answer: is the server running"
                    + " (./devicetrust status)?");
        } catch (HttpTimeoutException e) {
            throw new CommandException(method + " " + request.uri() + ": no answer in time");
        } catch (SSLException e) {
            throw new CommandException("TLS with " + base + " failed (" + e.getMessage()
                    + "): is DEVICETRUST_DATA_DIR the data directory of this server?");
        } catch (IOException e) {
            throw new CommandException(method + " " + request.uri() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted");
        }
        return answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body(),
                method + " " + base.resolve(path).getPath());
    }

    /** The body of a 2xx answer as JSON; any other status as a refusal showing its problem details. */
    static JsonStructure answer(int status, String contentType, String body, String what) {
        if (status >= 200 && status < 300) {
            try {
                return Json.createReader(new StringReader(body)).read();
            } catch (JsonException e) {
                throw new CommandException(what + ": HTTP " + status + " but not JSON: " + abbreviated(body));
            }
        }
        throw new CommandException(refusal(status, contentType, body, what));
    }

    /** {@code HTTP 404 from GET /...} then the problem's type, title and detail, one per line. */
    static String refusal(int status, String contentType, String body, String what) {
        StringBuilder s = new StringBuilder("refused: HTTP ")
                .append(status)
                .append(" from ")
                .append(what);
        if (contentType.toLowerCase(java.util.Locale.ROOT).startsWith(PROBLEM_JSON)) {
            try {
                JsonObject p = Json.createReader(new StringReader(body)).readObject();
                for (String field : new String[] {"type", "title", "detail"}) {
                    JsonValue v = p.get(field);
                    if (v != null && v.getValueType() == JsonValue.ValueType.STRING) {
                        s.append(String.format("%n  %-7s %s", field + ":", p.getString(field)));
                    }
                }
                return s.toString();
            } catch (JsonException | ClassCastException e) {
                // not the problem details it claims to be: shown as it came
            }
        }
        if (status == 401) {
            s.append(System.lineSeparator()).append("  the user name or password was not accepted");
        } else if (!body.isBlank()) {
            s.append(System.lineSeparator()).append("  ").append(abbreviated(body));
        }
        return s.toString();
    }

    private static String abbreviated(String body) {
        String b = body.strip().replaceAll("\\s+", " ");
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    private static JsonObject object(JsonStructure s) {
        if (s instanceof JsonObject o) {
            return o;
        }
        throw new CommandException("the server answered JSON that is not an object: " + abbreviated(s.toString()));
    }
}
