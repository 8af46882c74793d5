package org.devicetrust.account.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/** A person who signs in to the console or the admin API. Only a PBKDF2 hash of the password is kept. */
@Entity
@Table(name = "administrator")
public class Administrator {

    private static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{1,63}");

    @Id
    @Column(name = "username", length = 64)
    private String username;

    @Column(name = "password_hash", nullable = false, length = 400)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(name = "role", nullable = false, length = 20)
    private Role role;

    @Column(name = "failed_attempts", nullable = false)
    private int failedAttempts;

    @Column(name = "locked_until")
    private Instant lockedUntil;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Administrator() {
        // for JPA
    }

    public Administrator(String username, String passwordHash, Role role, Instant now) {
        if (!isValidUsername(username)) {
            throw new IllegalArgumentException("user name must be 2-64 characters of a-z, 0-9, '.', '_', '-'");
        }
        this.username = username;
        this.passwordHash = Objects.requireNonNull(passwordHash, "passwordHash");
        this.role = Objects.requireNonNull(role, "role");
        this.createdAt = now;
    }

    public static boolean isValidUsername(String candidate) {
        return candidate != null && USERNAME.matcher(candidate).matches();
    }

    public boolean isLocked(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** Counts a failed sign-in; after {@code maxAttempts} in a row the account locks for {@code lockFor}. */
    public void recordFailure(Instant now, int maxAttempts, Duration lockFor) {
        failedAttempts++;
        if (failedAttempts >= maxAttempts) {
            lockedUntil = now.plus(lockFor);
            failedAttempts = 0;
        }
    }

    public void recordSuccess() {
        failedAttempts = 0;
        lockedUntil = null;
    }

    public String username() {
        return username;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public Role role() {
        return role;
    }

    public Instant lockedUntil() {
        return lockedUntil;
    }

    public int failedAttempts() {
        return failedAttempts;
    }
}
