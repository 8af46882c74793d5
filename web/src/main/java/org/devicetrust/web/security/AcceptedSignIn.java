package org.devicetrust.web.security;

import jakarta.security.enterprise.credential.Credential;
import java.util.Set;

/**
 * A console sign-in whose password the accounts boundary has just accepted (counted and audited there), handed
 * to the authentication mechanism to establish the session without checking the password a second time. Only
 * server code creates it, through {@code SecurityContext.authenticate}; no request can carry one.
 */
public record AcceptedSignIn(String caller, Set<String> groups) implements Credential {

    public AcceptedSignIn {
        groups = Set.copyOf(groups);
    }
}
