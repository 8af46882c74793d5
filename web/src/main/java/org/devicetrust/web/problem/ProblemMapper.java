package org.devicetrust.web.problem;

import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.web.security.Problems;

/**
 * Every failure leaves the API as RFC 9457 problem details with a stable {@code type}; never a stack trace.
 * Unexpected failures are logged here with an incident id that the client also gets.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());
    public static final String MEDIA_TYPE = "application/problem+json";

    @Override
    public Response toResponse(Throwable thrown) {
        Throwable e = unwrap(thrown);
        if (e instanceof DeviceTrustException d) {
            return problem(status(d.kind()), d.type(), title(d.kind()), d.getMessage());
        }
        if (e instanceof EJBAccessException || e instanceof SecurityException) {
            return problem(403, "forbidden", "Forbidden", "your role does not allow this operation");
        }
        if (e instanceof BodyTooLargeException b) {
            return problem(413, "body-too-large", "Request body too large", b.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return problem(400, "invalid-request", "Invalid request", e.getMessage());
        }
        if (e instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            String type = switch (status) {
                case 404 -> "not-found";
                case 405 -> "method-not-allowed";
                case 406 -> "not-acceptable";
                case 415 -> "unsupported-media-type";
                default -> status < 500 ? "invalid-request" : "server-error";
            };
            return problem(status, type, w.getResponse().getStatusInfo().getReasonPhrase(),
                    status == 415 ? "unsupported content type; see the API description for accepted types"
                            : status < 500 ? w.getMessage() : "the server could not complete the request");
        }
        String incident = Long.toHexString(System.nanoTime());
        LOG.log(Level.SEVERE, "DeviceTrust: unexpected failure, incident " + incident, e);
        return problem(500, "server-error", "Internal error",
                "the server could not complete the request (incident " + incident + ")");
    }

    public static Response problem(int status, String type, String title, String detail) {
        JsonObject body = Json.createObjectBuilder()
                .add("type", Problems.TYPE_BASE + type)
                .add("title", title)
                .add("status", status)
                .add("detail", detail == null ? title : detail)
                .build();
        return Response.status(status).type(MEDIA_TYPE).entity(body.toString()).build();
    }

    static int status(DeviceTrustException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA -> 415;
            case UNAVAILABLE -> 503;
        };
    }

    private static String title(DeviceTrustException.Kind kind) {
        return switch (kind) {
            case INVALID -> "Invalid request";
            case UNAUTHORIZED -> "Unauthenticated";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case TOO_LARGE -> "Request body too large";
            case UNSUPPORTED_MEDIA -> "Unsupported media type";
            case UNAVAILABLE -> "Service unavailable";
        };
    }

    private static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while ((current instanceof EJBException && !(current instanceof EJBAccessException))
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
