package org.devicetrust.web.problem;

import jakarta.ejb.AccessLocalException;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.WebApplicationException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.devicetrust.platform.boundary.DeviceTrustException;
import org.devicetrust.platform.boundary.DeviceTrustException.Kind;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * The one place that turns a throwable into a problem: the JAX-RS {@link ProblemMapper}, the authentication
 * mechanism and the console all ask here, so a failure has the same type and status wherever it surfaces.
 * <ul>
 * <li>a {@link DeviceTrustException} is its catalogue entry with its message;</li>
 * <li>a role the caller lacks is {@code forbidden}; a body over the limit is {@code body-too-large} however deep
 * it is wrapped; a body the entity provider could not read is {@code json-invalid};</li>
 * <li>JAX-RS's own refusals (no such resource, method, representation) keep their status;</li>
 * <li>a database that cannot be reached is {@code database-unavailable};</li>
 * <li>anything else, an {@link IllegalArgumentException} or a {@link StackOverflowError} included, is a
 * {@code server-error} with an incident id that is logged here with the failure and told to the client, who
 * never sees the failure's own message.</li>
 * </ul>
 */
public final class ProblemClassifier {

    private static final Logger LOG = Logger.getLogger(ProblemClassifier.class.getName());
    private static final int MAX_CAUSES = 64;

    private ProblemClassifier() {}

    /** The one HTTP status of each kind, so the one status of each catalogue type. */
    public static int status(Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case NOT_ACCEPTABLE -> 406;
            case CONFLICT -> 409;
            case GONE -> 410;
            case PRECONDITION_FAILED -> 412;
            case TOO_LARGE -> 413;
            case RANGE_NOT_SATISFIABLE -> 416;
            case UNSUPPORTED_MEDIA -> 415;
            case INTERNAL -> 500;
            case UNAVAILABLE -> 503;
        };
    }

    public static int status(ProblemType type) {
        return status(type.kind());
    }

    public static ProblemDetails classify(Throwable thrown) {
        Throwable e = unwrap(thrown);
        if (e instanceof DeviceTrustException refusal) {
            return ProblemDetails.of(refusal.problem(), refusal.getMessage());
        }
        if (e instanceof EJBAccessException || e instanceof AccessLocalException || e instanceof SecurityException) {
            return ProblemDetails.of(ProblemType.FORBIDDEN, "your role does not allow this operation");
        }
        BodyTooLargeException tooLarge = cause(thrown, BodyTooLargeException.class);
        if (tooLarge != null) {
            return ProblemDetails.of(ProblemType.BODY_TOO_LARGE, tooLarge.getMessage());
        }
        if (e instanceof UnreadableBody || cause(thrown, JsonParsingException.class) != null) {
            return ProblemDetails.of(
                    ProblemType.JSON_INVALID,
                    "the body is not the JSON this request takes "
                            + "(malformed or truncated, nested too deeply, or a value of the wrong type); see the API "
                            + "description");
        }
        if (e instanceof WebApplicationException w
                && w.getResponse() != null
                && w.getResponse().getStatus() < 500) {
            return refusedByJaxRs(w);
        }
        if (unreachableDatabase(thrown)) {
            return ProblemDetails.of(
                    ProblemType.DATABASE_UNAVAILABLE, "the database does not answer; try again shortly");
        }
        return incident(thrown);
    }

    /** A server error with a fresh incident id, logged with the failure behind it. */
    public static ProblemDetails incident(Throwable thrown) {
        String incident = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        if (cause(thrown, StackOverflowError.class) != null) {
            // the stack of a stack overflow is a thousand frames of one recursion: its distinct frames say where
            List<String> frames = Arrays.stream(
                            cause(thrown, StackOverflowError.class).getStackTrace())
                    .map(StackTraceElement::toString)
                    .distinct()
                    .limit(16)
                    .toList();
            LOG.log(Level.SEVERE, "DeviceTrust: stack overflow, incident " + incident + ", in " + frames);
        } else {
            LOG.log(Level.SEVERE, "DeviceTrust: unexpected failure, incident " + incident, thrown);
        }
        return ProblemDetails.of(
                ProblemType.SERVER_ERROR, "the server could not complete the request (incident " + incident + ")");
    }

    private static ProblemDetails refusedByJaxRs(WebApplicationException w) {
        int status = w.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 401 -> ProblemType.UNAUTHENTICATED;
            case 403 -> ProblemType.FORBIDDEN;
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.BODY_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> ProblemType.INVALID_REQUEST;
        };
        String detail = switch (type) {
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported content type; see the API description for accepted types";
            case NOT_ACCEPTABLE -> "no representation of this resource matches the Accept header";
            case METHOD_NOT_ALLOWED -> "this resource does not take this method";
            default -> w.getMessage();
        };
        return ProblemDetails.of(type, detail);
    }

    private static boolean unreachableDatabase(Throwable thrown) {
        Throwable current = thrown;
        for (int i = 0; current != null && i < MAX_CAUSES; i++, current = current.getCause()) {
            if (current instanceof SQLTransientConnectionException
                    || current instanceof SQLNonTransientConnectionException
                    || current instanceof SQLException sql
                            && sql.getSQLState() != null
                            && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The first throwable of this class in the cause chain, or {@code null}. */
    static <T extends Throwable> T cause(Throwable thrown, Class<T> type) {
        Throwable current = thrown;
        for (int i = 0; current != null && i < MAX_CAUSES; i++, current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
        }
        return null;
    }

    /** Past the EJB container's wrappers (a refused role is an answer of its own, so it is not unwrapped). */
    private static Throwable unwrap(Throwable thrown) {
        Throwable current = thrown;
        for (int i = 0;
                i < MAX_CAUSES
                        && current instanceof EJBException
                        && !(current instanceof EJBAccessException)
                        && !(current instanceof AccessLocalException)
                        && current.getCause() != null;
                i++) {
            current = current.getCause();
        }
        return current;
    }
}
