package org.devicetrust.web.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.Principal;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;

/** Who is signed in, what the role allows (to show or hide controls; the server enforces it), and log out. */
@Named
@RequestScoped
public class ConsoleSession {

    @Inject
    SecurityContext security;

    @Inject
    AuditLog audit;

    public String getUser() {
        Principal caller = security.getCallerPrincipal();
        return caller == null ? "" : caller.getName();
    }

    public String getRole() {
        for (String role : new String[] {"admin", "operator", "auditor"}) {
            if (security.isCallerInRole(role)) {
                return role;
            }
        }
        return "";
    }

    public boolean isAdmin() {
        return security.isCallerInRole("admin");
    }

    /** Devices, issuance, suspension, revocation, CRL publication. */
    public boolean isMayOperate() {
        return security.isCallerInRole("admin") || security.isCallerInRole("operator");
    }

    public boolean isMayReadAudit() {
        return security.isCallerInRole("admin") || security.isCallerInRole("auditor");
    }

    public void logout() throws IOException, ServletException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        String user = getUser();
        if (!user.isEmpty()) {
            audit.record(user, AuditAction.ADMIN_LOGOUT, user, AuditOutcome.SUCCESS, "console");
        }
        request.logout();
        external.invalidateSession();
        external.redirect(external.getRequestContextPath() + "/login.xhtml?signedOut=true");
    }
}
