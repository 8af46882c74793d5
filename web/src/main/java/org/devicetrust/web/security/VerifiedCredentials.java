package org.devicetrust.web.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a short while, that an admin API caller's HTTP Basic credentials were verified, so that a
 * client making many calls pays the PBKDF2 password check (210,000 iterations, tens of milliseconds) once per
 * {@link #TTL} instead of on every request.
 *
 * <p>Only an HMAC-SHA256 of user name and password is kept, under a random key that lives in this process's
 * memory only; the password itself is never stored. A presented credential matches only if its HMAC equals the
 * remembered one (compared in constant time) and the entry has not expired. Any refused attempt for a user
 * forgets that user's entry, so a lockout applies at once to remembered credentials too.
 */
@ApplicationScoped
public class VerifiedCredentials {

    /** How long a verified credential is honoured without checking the password again. */
    static final Duration TTL = Duration.ofSeconds(60);
    /** More entries than accounts would mean something is wrong; never grow beyond this. */
    static final int MAX_ENTRIES = 10_000;

    private record Entry(byte[] tag, String caller, Set<String> groups, Instant expires) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final Clock clock;

    public VerifiedCredentials() {
        this(Clock.systemUTC());
    }

    VerifiedCredentials(Clock clock) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
    }

    /** The caller and groups remembered for exactly these credentials, if verified less than {@link #TTL} ago. */
    public Optional<Verified> lookup(String username, char[] password) {
        Entry entry = entries.get(username);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(username, entry);
            return Optional.empty();
        }
        return MessageDigest.isEqual(entry.tag(), tag(username, password))
                ? Optional.of(new Verified(entry.caller(), entry.groups()))
                : Optional.empty();
    }

    /** Remembers credentials the identity store has just accepted. */
    public void remember(String username, char[] password, String caller, Set<String> groups) {
        if (entries.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            entries.values().removeIf(e -> !now.isBefore(e.expires()));
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        entries.put(username, new Entry(tag(username, password), caller, Set.copyOf(groups),
                clock.instant().plus(TTL)));
    }

    /** Forgets the user's remembered credentials (after any refused attempt). */
    public void forget(String username) {
        entries.remove(username);
    }

    private byte[] tag(String username, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            try {
                mac.update(bytes.duplicate());
                return mac.doFinal();
            } finally {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** A remembered verification: who, and in which groups. */
    public record Verified(String caller, Set<String> groups) {
    }
}
