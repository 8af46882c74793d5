package org.devicetrust.web.est;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import org.devicetrust.platform.boundary.ProblemType;
import org.devicetrust.web.problem.ProblemMapper;

/**
 * EST only over TLS (RFC 7030 section 3.3): the plain HTTP listener also serves this application, so requests
 * that did not arrive over TLS are refused before anything else, tokens included.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 200)
public class EstTransportFilter implements ContainerRequestFilter {

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        if (!request.isSecure()) {
            context.abortWith(ProblemMapper.problem(
                    ProblemType.TLS_REQUIRED,
                    "EST is served over HTTPS only; enrollment tokens must never cross the network in the clear"));
        }
    }
}
