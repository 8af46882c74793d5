package org.devicetrust.web.device;

import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import org.devicetrust.device.boundary.DeviceAccess;
import org.devicetrust.device.boundary.DeviceAccess.DeviceAuthentication;
import org.devicetrust.device.boundary.DeviceAccess.TelemetryPage;
import org.devicetrust.device.entity.Telemetry;
import org.devicetrust.firmware.boundary.DeviceUpdates;
import org.devicetrust.firmware.boundary.UpdateImages;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.InvalidRequest;
import org.devicetrust.web.security.Problems;

/**
 * The device API on the least machinery that keeps its guarantees: a plain servlet, no JAX-RS, no Jakarta
 * Security mechanism or container login, no security constraint, no EJB role check. The TLS handshake has
 * already proved the chain to the Device CA (the device listener wants a client certificate and trusts only
 * that CA); {@link DeviceAccess#authenticate} checks the certificate itself once per TLS session and its dates
 * and revocation on every request, and only the authentication it returns opens {@link DeviceAccess}'s
 * decisions. Deny by default: no authentication, no answer but a problem. Every answer is what the JAX-RS
 * resources answered before, problem details included.
 *
 * <ul>
 * <li>{@code GET /api/v1/device/session}: {@code AUTH OK <id>}, or JSON when the device prefers it;</li>
 * <li>{@code GET /api/v1/device/update}: the open update offer (336 bytes), or 204 and Retry-After;</li>
 * <li>{@code GET /api/v1/device/update/{id}/image}: one byte range of the offered image (Range, If-Match), 206;</li>
 * <li>{@code POST /api/v1/device/update/{id}/status}: one status report of at most 1 KiB, 204;</li>
 * <li>{@code GET /api/v1/devices/{id}}: the device's own record;</li>
 * <li>{@code POST /api/v1/devices/{id}/telemetry}: one JSON document of at most 8 KiB, 201 and Location;</li>
 * <li>{@code GET /api/v1/devices/{id}/telemetry?limit=N}: the newest documents and the total.</li>
 * </ul>
 */
@WebServlet(
        name = "DeviceApi",
        urlPatterns = {"/api/v1/device/*", "/api/v1/devices/*"})
public class DeviceApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String CLIENT_CHAIN = "jakarta.servlet.request.X509Certificate";
    static final String TLS_SESSION = "jakarta.servlet.request.ssl_session_id";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain";
    private static final int DEFAULT_LIMIT = 20;
    static final String OFFER = "application/vnd.devicetrust.offer";
    private static final String OCTETS = "application/octet-stream";
    private static final String UPDATE_PREFIX = "/api/v1/device/update/";
    /** Seconds a device is asked to wait before it polls again when no update is open. */
    static final int POLL_HINT_SECONDS = 3600;

    @Inject
    transient DeviceAccess access;

    @Inject
    transient DeviceUpdates updates;

    @Inject
    transient UpdateImages images;

    private final transient Jsonb jsonb = JsonbBuilder.create();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            if (!request.isSecure()) {
                throw problem(ProblemType.TLS_REQUIRED, "the device API is served over mutual TLS only");
            }
            String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            String method = request.getMethod();
            DeviceAuthentication who = authenticate(request, method + " " + request.getRequestURI());
            if (path.equals("/api/v1/device/session")) {
                allow(method, "GET");
                session(who, request, response);
                return;
            }
            if (path.equals("/api/v1/device/update")) {
                allow(method, "GET");
                poll(who, request, response);
                return;
            }
            if (path.startsWith(UPDATE_PREFIX)) {
                String[] update = path.substring(UPDATE_PREFIX.length()).split("/", -1); // id, "image" | "status"
                if (update.length == 2 && update[1].equals("image")) {
                    allow(method, "GET");
                    image(who, update[0], request, response);
                    return;
                }
                if (update.length == 2 && update[1].equals("status")) {
                    allow(method, "POST");
                    status(who, update[0], request, response);
                    return;
                }
                throw problem(ProblemType.NOT_FOUND, "no device API resource at " + path);
            }
            String[] parts = path.substring("/api/v1/devices/".length() - 1).split("/", -1);
            // parts: "", id [, "telemetry"]
            if (path.startsWith("/api/v1/devices/") && parts.length == 2 && !parts[1].isEmpty()) {
                allow(method, "GET");
                record(who, parts[1], request, response);
            } else if (path.startsWith("/api/v1/devices/")
                    && parts.length == 3
                    && !parts[1].isEmpty()
                    && parts[2].equals("telemetry")) {
                if (method.equals("POST")) {
                    postTelemetry(who, parts[1], request, response);
                } else {
                    allow(method, "GET", "POST");
                    telemetry(who, parts[1], request, response);
                }
            } else {
                throw problem(ProblemType.NOT_FOUND, "no device API resource at " + path);
            }
        } catch (RuntimeException | StackOverflowError e) {
            if (!Problems.writeFailure(response, e) && !response.isCommitted()) {
                response.sendError(500);
            }
        }
    }

    private DeviceAuthentication authenticate(HttpServletRequest request, String resource) {
        Object attribute = request.getAttribute(CLIENT_CHAIN);
        X509Certificate[] chain = attribute instanceof X509Certificate[] certificates ? certificates : null;
        Object session = request.getAttribute(TLS_SESSION);
        return access.authenticate(chain, session instanceof String id ? id : null, resource);
    }

    private void session(DeviceAuthentication who, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String answer = negotiate(request.getHeader("Accept"), TEXT, JSON);
        DeviceAccess.AuthorizedDevice device = access.authorize(who, null, "GET session");
        if (answer.equals(JSON)) {
            json(
                    response,
                    200,
                    new DeviceSessionResponse(
                            device.id().value(),
                            who.serialHex(),
                            who.notAfter(),
                            device.status().name()));
        } else {
            response.setStatus(200);
            response.setContentType("text/plain;charset=UTF-8");
            response.getOutputStream()
                    .write(("AUTH OK " + device.id().value() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The open update offer (336 bytes), or 204 with a poll hint when there is none. */
    private void poll(DeviceAuthentication who, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        negotiate(request.getHeader("Accept"), OFFER);
        Optional<byte[]> offer = updates.offerFor(who);
        if (offer.isEmpty()) {
            response.setStatus(204);
            response.setHeader("Retry-After", Integer.toString(POLL_HINT_SECONDS));
            return;
        }
        byte[] body = offer.get();
        response.setStatus(200);
        response.setContentType(OFFER);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * One byte range of the offered image: 206 with Content-Range and the image's ETag; 416 with
     * {@code Content-Range: bytes *}{@code /N} for a range outside it. Nothing is written to the database.
     */
    private void image(DeviceAuthentication who, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        negotiate(request.getHeader("Accept"), OCTETS);
        ImageRequest.ByteRange range =
                ImageRequest.range(Collections.list(request.getHeaders("Range")), UpdateImages.MAX_CHUNK);
        String expected = ImageRequest.expectedDigest(Collections.list(request.getHeaders("If-Match")));
        UpdateImages.ImageChunk chunk;
        try {
            chunk = images.chunk(who, id, expected, range.first(), range.last());
        } catch (UpdateImages.RangeNotSatisfiable e) {
            response.setHeader("Content-Range", "bytes */" + e.imageLength());
            throw e;
        }
        response.setStatus(206);
        response.setContentType(OCTETS);
        response.setHeader("Content-Range", "bytes " + chunk.first() + "-" + chunk.last() + "/" + chunk.imageLength());
        response.setHeader("ETag", "\"" + chunk.manifestDigest() + "\"");
        response.setContentLength(chunk.bytes().length);
        response.getOutputStream().write(chunk.bytes());
    }

    /** One status report of at most 1 KiB; the body is read only up to one byte past the limit. */
    private void status(DeviceAuthentication who, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!isJson(request.getContentType())) {
            throw problem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "a status report is sent as " + JSON);
        }
        byte[] body = request.getInputStream().readNBytes(StatusReportJson.MAX_BYTES + 1);
        if (body.length > StatusReportJson.MAX_BYTES) {
            throw problem(
                    ProblemType.BODY_TOO_LARGE,
                    "a status report is limited to " + StatusReportJson.MAX_BYTES + " bytes");
        }
        updates.report(who, id, StatusReportJson.parse(body));
        response.setStatus(204);
    }

    private void record(DeviceAuthentication who, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        negotiate(request.getHeader("Accept"), JSON);
        json(response, 200, DeviceRecordResponse.of(access.deviceRecord(who, id, "GET device " + id)));
    }

    /** Stores one JSON object of at most 8 KiB; the body is read only up to one byte past the limit. */
    private void postTelemetry(
            DeviceAuthentication who, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!isJson(request.getContentType())) {
            throw problem(ProblemType.UNSUPPORTED_MEDIA_TYPE, "telemetry is sent as " + JSON);
        }
        negotiate(request.getHeader("Accept"), JSON);
        byte[] document = request.getInputStream().readNBytes(DeviceAccess.MAX_TELEMETRY_BYTES + 1);
        if (document.length > DeviceAccess.MAX_TELEMETRY_BYTES) {
            throw problem(
                    ProblemType.TELEMETRY_TOO_LARGE,
                    "telemetry is limited to " + DeviceAccess.MAX_TELEMETRY_BYTES + " bytes");
        }
        Telemetry stored = access.recordTelemetry(who, id, document);
        response.setHeader("Location", request.getRequestURL() + "/" + stored.id());
        json(response, 201, TelemetryResponse.of(stored));
    }

    private void telemetry(
            DeviceAuthentication who, String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        negotiate(request.getHeader("Accept"), JSON);
        int limit = DEFAULT_LIMIT;
        String given = request.getParameter("limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given.strip());
            } catch (NumberFormatException e) {
                throw problem(ProblemType.INVALID_REQUEST, "limit must be a whole number");
            }
        }
        TelemetryPage page = access.telemetry(who, id, limit);
        json(
                response,
                200,
                new TelemetryListResponse(
                        page.total(),
                        page.newest().stream().map(TelemetryResponse::of).toList()));
    }

    private void json(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = jsonb.toJson(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(JSON);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void allow(String method, String... allowed) {
        for (String one : allowed) {
            if (one.equals(method) || (one.equals("GET") && method.equals("HEAD"))) {
                return;
            }
        }
        throw problem(
                ProblemType.METHOD_NOT_ALLOWED, method + " is not allowed here; use " + String.join(", ", allowed));
    }

    /**
     * The first of {@code offered} (in the server's order of preference) that the Accept header takes with the
     * highest quality; no header, or one that takes anything, means the first offered.
     *
     * @throws InvalidRequest not-acceptable when the header takes none of them
     */
    static String negotiate(String accept, String... offered) {
        if (accept == null || accept.isBlank()) {
            return offered[0];
        }
        String best = null;
        double bestQuality = 0;
        for (String type : offered) {
            double quality = quality(accept, type);
            if (quality > bestQuality) {
                best = type;
                bestQuality = quality;
            }
        }
        if (best == null) {
            throw problem(ProblemType.NOT_ACCEPTABLE, "this resource answers in " + String.join(" or ", offered));
        }
        return best;
    }

    /** The quality the Accept header gives {@code type}: its most specific matching range decides. */
    private static double quality(String accept, String type) {
        String main = type.substring(0, type.indexOf('/'));
        double quality = 0;
        int specificity = -1;
        for (String range : accept.split(",")) {
            String[] fields = range.strip().toLowerCase(Locale.ROOT).split(";");
            String media = fields[0].strip();
            int rank = media.equals(type) ? 2 : media.equals(main + "/*") ? 1 : media.equals("*/*") ? 0 : -1;
            if (rank < 0 || rank < specificity) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < fields.length; i++) {
                String parameter = fields[i].strip();
                if (parameter.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            specificity = rank;
            quality = q;
        }
        return quality;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return media.equalsIgnoreCase(JSON);
    }

    private static InvalidRequest problem(ProblemType type, String detail) {
        return new InvalidRequest(type, detail);
    }
}
