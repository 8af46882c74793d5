package org.devicetrust.it;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;

/** Test only: every request of the test deployment runs as an administrator with all console roles. */
@ApplicationScoped
@DeclareRoles({"admin", "operator", "auditor"})
public class ItAuthentication implements HttpAuthenticationMechanism {

    public static final String CALLER = "it-admin";

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        return context.notifyContainerAboutLogin(CALLER, Set.of("admin", "operator", "auditor"));
    }
}
