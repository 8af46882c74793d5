package org.devicetrust.web.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.ProblemClassifier;
import org.devicetrust.web.problem.ProblemDetails;

/** Writes RFC 9457 problem details from places outside JAX-RS (the authentication mechanism). */
public final class Problems {

    private Problems() {}

    public static void write(HttpServletResponse response, ProblemDetails problem) throws IOException {
        response.setStatus(problem.status());
        if (problem.status() == 503) {
            response.setHeader("Retry-After", "1");
        }
        response.setContentType(ProblemDetails.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(problem.toJson());
    }

    public static void write(HttpServletResponse response, ProblemType type, String detail) throws IOException {
        write(response, ProblemDetails.of(type, detail));
    }

    /** The classified problem of a failure, written; false when the response can no longer take it. */
    public static boolean writeFailure(HttpServletResponse response, Throwable failure) {
        try {
            if (response.isCommitted()) {
                return false;
            }
            write(response, ProblemClassifier.classify(failure));
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }
}
