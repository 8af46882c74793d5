package org.devicetrust.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.Password;
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

    @Inject
    VerifiedCredentials verified;

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

    /**
     * The admin API's check of HTTP Basic credentials: credentials verified less than a minute ago are
     * accepted from {@link VerifiedCredentials} without the PBKDF2 check (and without another login record in
     * the audit log); anything else goes to the accounts, and a refusal forgets the user's remembered entry.
     */
    public CredentialValidationResult validateApiCredentials(String username, char[] password) {
        var remembered = verified.lookup(username, password);
        if (remembered.isPresent()) {
            return new CredentialValidationResult(remembered.get().caller(), remembered.get().groups());
        }
        CredentialValidationResult result = validate(new UsernamePasswordCredential(username,
                new Password(password)));
        if (result.getStatus() == CredentialValidationResult.Status.VALID) {
            verified.remember(username, password, result.getCallerPrincipal().getName(), result.getCallerGroups());
        } else {
            verified.forget(username);
        }
        return result;
    }

    /** Whether the last refusal for this user was a lockout, so the login page can say so. */
    public boolean isLocked(String username) {
        return administrators.isLocked(username);
    }
}
