package org.devicetrust.web.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * The container's error page (web.xml {@code <error-page>} without a code): every error the web container answers
 * itself, before or beside DeviceTrust's code (no such path, a request it cannot parse, a method a servlet does not
 * take, a failure that escaped), is written as problem details instead of the server's HTML report, which names
 * the server software and version. A status the catalogue has a type for keeps it; another 4xx becomes
 * {@code invalid-request} and another 5xx {@code server-error}, each with the catalogue's one status.
 */
@WebServlet(ErrorPageServlet.PATH)
public class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String PATH = "/error-page";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ProblemDetails problem = problem(
                request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE),
                request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(problem.status());
        if (problem.status() == 503) {
            response.setHeader("Retry-After", "1");
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(ProblemDetails.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(problem.toJson());
    }

    /** The problem of an error dispatch; a direct request for this page is answered as an unknown path. */
    static ProblemDetails problem(Object statusAttribute, Object exceptionAttribute) {
        if (exceptionAttribute instanceof Throwable failure) {
            return ProblemClassifier.classify(failure);
        }
        int status = statusAttribute instanceof Integer code ? code : 404;
        return switch (status) {
            case 400 -> ProblemDetails.of(ProblemType.INVALID_REQUEST, "the server could not read this request");
            case 401 -> ProblemDetails.of(ProblemType.UNAUTHENTICATED, "this resource needs authentication");
            case 403 -> ProblemDetails.of(ProblemType.FORBIDDEN, "this request is not allowed");
            case 404 -> ProblemDetails.of(ProblemType.NOT_FOUND, "there is no resource at this path");
            case 405 -> ProblemDetails.of(ProblemType.METHOD_NOT_ALLOWED, "this resource does not take this method");
            case 406 -> ProblemDetails.of(ProblemType.NOT_ACCEPTABLE, "no representation matches the Accept header");
            case 413 -> ProblemDetails.of(ProblemType.BODY_TOO_LARGE, "the request body is too large");
            case 415 -> ProblemDetails.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "this content type is not accepted here");
            default ->
                status >= 500
                        ? ProblemDetails.of(ProblemType.SERVER_ERROR, "the server could not answer this request")
                        : ProblemDetails.of(ProblemType.INVALID_REQUEST, "the server could not take this request");
        };
    }
}
