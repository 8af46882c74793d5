package org.devicetrust.account.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.devicetrust.account.entity.Administrator;
import org.devicetrust.account.entity.Role;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.platform.boundary.ProblemType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Administrator accounts: password check with lockout, and account creation. */
@Stateless
public class Administrators {

    /** A hash of a random password, checked when the user is unknown so that timing does not reveal it. */
    private static final String DUMMY_PASSWORD = "devicetrust-no-such-user-" + System.nanoTime();

    @PersistenceContext
    EntityManager em;

    @Inject
    Pbkdf2PasswordHash passwordHash;

    @Inject
    AuditLog audit;

    @Inject
    @ConfigProperty(name = "devicetrust.login.max-attempts", defaultValue = "5")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "devicetrust.login.lock-minutes", defaultValue = "15")
    int lockMinutes;

    @Inject
    Clock clock;

    private volatile String dummyHash;

    @PostConstruct
    void configureHash() {
        passwordHash.initialize(hashParameters());
    }

    /** Checks a password; counts failures and locks the account after too many. Audited either way. */
    @PermitAll
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public SignInResult signIn(String username, char[] password) {
        Instant now = clock.instant();
        Administrator account = Administrator.isValidUsername(username)
                ? em.find(Administrator.class, username, LockModeType.PESSIMISTIC_WRITE)
                : null;
        if (account == null) {
            passwordHash.verify(password, dummyHash());
            audit.record(safe(username), AuditAction.ADMIN_LOGIN, safe(username), AuditOutcome.FAILURE, "unknown user");
            return new SignInResult(SignInResult.Outcome.REJECTED, username, null, null);
        }
        if (account.isLocked(now)) {
            audit.record(
                    username,
                    AuditAction.ADMIN_LOGIN,
                    username,
                    AuditOutcome.FAILURE,
                    "account locked until " + account.lockedUntil());
            return new SignInResult(SignInResult.Outcome.LOCKED, username, null, account.lockedUntil());
        }
        if (!passwordHash.verify(password, account.passwordHash())) {
            account.recordFailure(now, maxAttempts, Duration.ofMinutes(lockMinutes));
            boolean lockedNow = account.isLocked(now);
            audit.record(
                    username,
                    AuditAction.ADMIN_LOGIN,
                    username,
                    AuditOutcome.FAILURE,
                    lockedNow ? "wrong password; account locked for " + lockMinutes + " min" : "wrong password");
            return lockedNow
                    ? new SignInResult(SignInResult.Outcome.LOCKED, username, null, account.lockedUntil())
                    : new SignInResult(SignInResult.Outcome.REJECTED, username, null, null);
        }
        account.recordSuccess();
        audit.record(username, AuditAction.ADMIN_LOGIN, username, AuditOutcome.SUCCESS, "role " + account.role());
        return new SignInResult(SignInResult.Outcome.ACCEPTED, username, account.role(), null);
    }

    /** Whether sign-in for this user is currently refused because of repeated failures. */
    @PermitAll
    public boolean isLocked(String username) {
        Administrator account = Administrator.isValidUsername(username) ? em.find(Administrator.class, username) : null;
        return account != null && account.isLocked(clock.instant());
    }

    @RolesAllowed("admin")
    public Administrator create(String username, char[] password, Role role) {
        return createAccount(username, password, role);
    }

    /** Used once, by the first-start bootstrap, when no account exists yet. */
    @PermitAll
    public boolean createFirstAdministrator(String username, char[] password) {
        Long count = em.createQuery("SELECT COUNT(a) FROM Administrator a", Long.class)
                .getSingleResult();
        if (count > 0) {
            return false;
        }
        createAccount(username, password, Role.admin);
        return true;
    }

    @RolesAllowed("admin")
    public List<Administrator> list() {
        return em.createQuery("SELECT a FROM Administrator a ORDER BY a.username", Administrator.class)
                .getResultList();
    }

    private Administrator createAccount(String username, char[] password, Role role) {
        if (password == null || password.length < 12) {
            throw new AccountException(ProblemType.ACCOUNT_INVALID, "passwords must have at least 12 characters");
        }
        if (!Administrator.isValidUsername(username)) {
            throw new AccountException(
                    ProblemType.ACCOUNT_INVALID, "user name must be 2-64 characters of a-z, 0-9, '.', '_', '-'");
        }
        if (em.find(Administrator.class, username) != null) {
            throw new AccountException(ProblemType.ACCOUNT_EXISTS, "user '" + username + "' exists already");
        }
        Administrator account = new Administrator(username, passwordHash.generate(password), role, clock.instant());
        em.persist(account);
        audit.success(AuditAction.ADMIN_ACCOUNT_CREATED, username, "role " + role);
        return account;
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = passwordHash.generate(DUMMY_PASSWORD.toCharArray());
            dummyHash = hash;
        }
        return hash;
    }

    private static String safe(String username) {
        if (username == null) {
            return "";
        }
        String printable = username.codePoints()
                .filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() > 64 ? printable.substring(0, 64) : printable;
    }

    /** Hash parameters: PBKDF2-HMAC-SHA256, 210,000 iterations (OWASP 2023), 32-byte salt. */
    public static Map<String, String> hashParameters() {
        return Map.of(
                "Pbkdf2PasswordHash.Algorithm",
                "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations",
                "210000",
                "Pbkdf2PasswordHash.SaltSizeBytes",
                "32");
    }
}
