package org.devicetrust.account.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.EntityManager;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.devicetrust.account.entity.Administrator;
import org.devicetrust.account.entity.Role;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sign-in and lockout without a container: a fixed clock, an in-memory EntityManager, a plain password hash. */
class AdministratorsTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    final Map<String, Administrator> accounts = new HashMap<>();
    final List<String> audit = new ArrayList<>();
    Administrators administrators;

    @BeforeEach
    void setUp() {
        administrators = new Administrators();
        administrators.em = entityManager(accounts);
        administrators.passwordHash = plainHash();
        administrators.audit = new AuditLog() {
            @Override
            public AuditRecord record(
                    String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {
                audit.add(action + " " + outcome + " " + subject + ": " + detail);
                return null;
            }
        };
        administrators.maxAttempts = 3;
        administrators.lockMinutes = 15;
        administrators.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        accounts.put("alice", new Administrator("alice", "hash:correct horse battery", Role.operator, NOW));
    }

    private SignInResult signIn(String password) {
        return administrators.signIn("alice", password.toCharArray());
    }

    @Test
    void theRightPasswordSignsInWithTheAccountsRole() {
        SignInResult result = signIn("correct horse battery");
        assertEquals(SignInResult.Outcome.ACCEPTED, result.outcome());
        assertEquals(Role.operator, result.role());
        assertEquals(List.of("ADMIN_LOGIN SUCCESS alice: role operator"), audit);
    }

    @Test
    void theThirdWrongPasswordLocksTheAccountForTheConfiguredTime() {
        assertEquals(SignInResult.Outcome.REJECTED, signIn("wrong").outcome());
        assertEquals(SignInResult.Outcome.REJECTED, signIn("wrong").outcome());
        SignInResult third = signIn("wrong");
        assertEquals(SignInResult.Outcome.LOCKED, third.outcome());
        assertEquals(NOW.plus(Duration.ofMinutes(15)), third.lockedUntil());
        assertTrue(administrators.isLocked("alice"));
        assertEquals("ADMIN_LOGIN FAILURE alice: wrong password; account locked for 15 min", audit.get(2));
    }

    @Test
    void aLockedAccountRefusesEvenTheRightPasswordUntilTheLockEnds() {
        for (int i = 0; i < 3; i++) {
            signIn("wrong");
        }
        assertEquals(
                SignInResult.Outcome.LOCKED, signIn("correct horse battery").outcome());
        administrators.clock = Clock.fixed(NOW.plus(Duration.ofMinutes(15)), ZoneOffset.UTC);
        assertFalse(administrators.isLocked("alice"));
        assertEquals(
                SignInResult.Outcome.ACCEPTED, signIn("correct horse battery").outcome());
    }

    @Test
    void anUnknownUserIsRejectedAndAudited() {
        SignInResult result = administrators.signIn("mallory", "whatever".toCharArray());
        assertEquals(SignInResult.Outcome.REJECTED, result.outcome());
        assertEquals(List.of("ADMIN_LOGIN FAILURE mallory: unknown user"), audit);
    }

    /** Only {@code find}: the sign-in path reads one account by its username. */
    static EntityManager entityManager(Map<String, Administrator> accounts) {
        return (EntityManager) Proxy.newProxyInstance(
                AdministratorsTest.class.getClassLoader(),
                new Class<?>[] {EntityManager.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("find") && args[0] == Administrator.class) {
                        return accounts.get((String) args[1]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** "hash:" + the password: enough to tell right from wrong without PBKDF2's cost. */
    static Pbkdf2PasswordHash plainHash() {
        return new Pbkdf2PasswordHash() {
            @Override
            public String generate(char[] password) {
                return "hash:" + new String(password);
            }

            @Override
            public boolean verify(char[] password, String hashedPassword) {
                return hashedPassword.equals(generate(password));
            }

            @Override
            public void initialize(Map<String, String> parameters) {
                // nothing to configure
            }
        };
    }
}
