package org.devicetrust.web.console;

import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serializable;
import java.util.Set;
import org.devicetrust.account.boundary.Administrators;
import org.devicetrust.account.boundary.SignInResult;
import org.devicetrust.web.security.AcceptedSignIn;

/** The console's sign-in form; the password goes to the authentication mechanism and is never kept. */
@Named
@ViewScoped
public class Login implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String HOME = "/console/dashboard.xhtml";

    @Inject
    SecurityContext security;

    @Inject
    Administrators administrators;

    private String username;
    private transient String password;

    public void redirectIfSignedIn() throws IOException {
        if (security.getCallerPrincipal() != null) {
            ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
            external.redirect(external.getRequestContextPath() + HOME);
        }
    }

    public void signIn() throws IOException {
        FacesContext faces = FacesContext.getCurrentInstance();
        ExternalContext external = faces.getExternalContext();
        String user = username == null ? "" : username.strip();
        char[] secret = password == null ? new char[0] : password.toCharArray();
        password = null;
        try {
            // The mechanism answers a refusal with sendError(401), which commits the response before this page
            // can say why; so the password is checked here, through the accounts boundary (counted, audited,
            // lockout), and only the accepted sign-in goes on to the mechanism to establish the session.
            SignInResult check = administrators.signIn(user, secret);
            if (check.outcome() == SignInResult.Outcome.LOCKED) {
                Messages.error("This account is locked after repeated failed sign-ins. Try again later or ask an"
                        + " administrator to wait out the lock.");
                return;
            }
            if (!check.accepted()) {
                Messages.error("Wrong user name or password.");
                return;
            }
            AuthenticationStatus status = security.authenticate((HttpServletRequest) external.getRequest(),
                    (HttpServletResponse) external.getResponse(), AuthenticationParameters.withParams()
                            .newAuthentication(true)
                            .credential(new AcceptedSignIn(check.username(), Set.of(check.role().name()))));
            if (status == AuthenticationStatus.SUCCESS) {
                external.redirect(external.getRequestContextPath() + HOME);
            } else {
                faces.responseComplete();
            }
        } finally {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return null;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
