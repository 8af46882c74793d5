package org.devicetrust.web.console;

import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.Serializable;
import org.devicetrust.account.boundary.Administrators;

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
        AuthenticationStatus status = security.authenticate((HttpServletRequest) external.getRequest(),
                new KeepPageOnRefusal((HttpServletResponse) external.getResponse()), AuthenticationParameters.withParams()
                        .newAuthentication(true).credential(new UsernamePasswordCredential(user, new Password(secret))));
        java.util.Arrays.fill(secret, '\0');
        if (status == AuthenticationStatus.SUCCESS) {
            external.redirect(external.getRequestContextPath() + HOME);
            return;
        }
        if (status == AuthenticationStatus.SEND_CONTINUE) {
            faces.responseComplete();
            return;
        }
        if (administrators.isLocked(user)) {
            Messages.error("This account is locked after repeated failed sign-ins. Try again later or ask an"
                    + " administrator.");
        } else {
            Messages.error("Wrong user name or password.");
        }
    }

    /**
     * The mechanism answers a refused login with an error status, which would commit the response; the login
     * page answers instead, with a message the person can act on.
     */
    private static final class KeepPageOnRefusal extends HttpServletResponseWrapper {
        KeepPageOnRefusal(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void sendError(int status) {
            setStatus(status);
        }

        @Override
        public void sendError(int status, String message) {
            setStatus(status);
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
