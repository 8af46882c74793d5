package org.devicetrust.web.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * Every failure leaves the API as RFC 9457 problem details with a stable {@code type}; never a stack trace.
 * Which problem a failure is, {@link ProblemClassifier} decides (and logs the unexpected ones with an incident
 * id that the client also gets).
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    public static final String MEDIA_TYPE = ProblemDetails.MEDIA_TYPE;

    @Override
    public Response toResponse(Throwable thrown) {
        return response(ProblemClassifier.classify(thrown));
    }

    public static Response response(ProblemDetails problem) {
        return Response.status(problem.status())
                .type(MEDIA_TYPE)
                .entity(problem.toJson())
                .build();
    }

    /** A catalogued problem with its one status, for resources and filters that answer without throwing. */
    public static Response problem(ProblemType type, String detail) {
        return response(ProblemDetails.of(type, detail));
    }
}
