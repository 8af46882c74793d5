package org.devicetrust.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.devicetrust.platform.boundary.ProblemType;

/**
 * The one authentication mechanism of the web module, choosing by path:
 * <ul>
 * <li>{@code /api/v1/admin/**}: HTTP Basic over TLS against the administrator accounts, no session (a
 * credential verified in the last minute is not hashed again, see {@link VerifiedCredentials});</li>
 * <li>EST re-enrollment: the TLS client certificate (see {@link DeviceCertificateAuthentication});</li>
 * <li>the console ({@code /console/**}): a form login page; the session carries the login afterwards.</li>
 * </ul>
 * Everything not listed is public (PKI files, status) or refused by the security constraints in web.xml. The
 * device API ({@code /api/v1/device/**}, {@code /api/v1/devices/**}) is not listed: its servlet authenticates
 * each request by its certificate without a container login.
 */
@ApplicationScoped
public class DeviceTrustAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String LOGIN_PAGE = "/login.xhtml";
    static final String SESSION_LOGIN = ConsoleLogin.class.getName();

    /** What the console session remembers of a login; the password is never kept. */
    public record ConsoleLogin(String caller, Set<String> groups) implements Serializable {}

    @Inject
    AdministratorIdentityStore administrators;

    @Inject
    DeviceCertificateAuthentication devices;

    @Override
    public AuthenticationStatus validateRequest(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context)
            throws AuthenticationException {
        try {
            return decide(request, response, context);
        } catch (RuntimeException | StackOverflowError e) {
            // e.g. the account store's database is down: the classified problem, not the container's page
            return Problems.writeFailure(response, e)
                    ? AuthenticationStatus.SEND_FAILURE
                    : context.responseUnauthorized();
        }
    }

    private AuthenticationStatus decide(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        String path = request.getRequestURI().substring(request.getContextPath().length());

        // Programmatic login from the console's login page (SecurityContext.authenticate).
        if (context.isAuthenticationRequest() && context.getAuthParameters().getCredential() != null) {
            var credential = context.getAuthParameters().getCredential();
            CredentialValidationResult result = credential instanceof AcceptedSignIn accepted
                    ? new CredentialValidationResult(accepted.caller(), accepted.groups())
                    : administrators.validate(credential);
            if (result.getStatus() != CredentialValidationResult.Status.VALID) {
                return context.responseUnauthorized();
            }
            request.getSession(true);
            request.changeSessionId(); // no session fixation across the login
            request.getSession()
                    .setAttribute(
                            SESSION_LOGIN,
                            new ConsoleLogin(
                                    result.getCallerPrincipal().getName(), Set.copyOf(result.getCallerGroups())));
            return context.notifyContainerAboutLogin(result);
        }
        HttpSession session = request.getSession(false);
        if (session != null
                && session.getAttribute(SESSION_LOGIN) instanceof ConsoleLogin login
                && !path.startsWith("/api/")) {
            return context.notifyContainerAboutLogin(login.caller(), login.groups());
        }
        if (path.startsWith("/api/v1/admin/") || path.equals("/api/v1/admin")) {
            return basic(request, response, context);
        }
        if (DeviceCertificateAuthentication.appliesTo(path)) {
            return devices.authenticate(request, response, context);
        }
        if (context.isProtected()) {
            if (path.startsWith("/console") || path.endsWith(".xhtml")) {
                return context.redirect(request.getContextPath() + LOGIN_PAGE);
            }
            return context.responseUnauthorized();
        }
        return context.doNothing();
    }

    private AuthenticationStatus basic(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return context.isProtected() ? challenge(response, context) : context.doNothing();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return challenge(response, context);
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return challenge(response, context);
        }
        CredentialValidationResult result = administrators.validateApiCredentials(
                decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
        return result.getStatus() == CredentialValidationResult.Status.VALID
                ? context.notifyContainerAboutLogin(result)
                : challenge(response, context);
    }

    private static AuthenticationStatus challenge(HttpServletResponse response, HttpMessageContext context) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"DeviceTrust admin API\", charset=\"UTF-8\"");
        try {
            Problems.write(
                    response,
                    ProblemType.UNAUTHENTICATED,
                    "the admin API needs HTTP Basic credentials of an administrator account");
        } catch (IOException e) {
            return context.responseUnauthorized();
        }
        return AuthenticationStatus.SEND_FAILURE;
    }
}
