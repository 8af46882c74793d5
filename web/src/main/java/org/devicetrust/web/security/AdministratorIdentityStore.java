package org.devicetrust.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;
import org.devicetrust.account.boundary.Administrators;
import org.devicetrust.account.boundary.SignInResult;

/** Validates console and admin API passwords against the administrator accounts (with lockout). */
@ApplicationScoped
public class AdministratorIdentityStore implements IdentityStore {

    @Inject
    Administrators administrators;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential login)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        SignInResult result = administrators.signIn(login.getCaller(), login.getPassword().getValue());
        if (!result.accepted()) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        return new CredentialValidationResult(result.username(), Set.of(result.role().name()));
    }

    /** Whether the last refusal for this user was a lockout, so the login page can say so. */
    public boolean isLocked(String username) {
        return administrators.isLocked(username);
    }
}
