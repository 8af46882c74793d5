package org.devicetrust.device.control;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What this node already knows about each TLS session of the device listener: the certificate check's result
 * for the session's client certificate (so the leaf signature is verified once per certificate, not per
 * request or connection) and whether the session's first allowed request is in the audit chain yet. A session is found only with the
 * same client certificate it was checked with; its validity dates are still checked on every request, and
 * revocation and device status are never cached here. Bounded: past {@code capacity} sessions, the oldest
 * half is forgotten (a forgotten session is simply checked and audited again).
 */
public final class TlsSessions {

    /** One session: the leaf it was checked with, the outcome, and whether its first allowed request is audited. */
    public static final class Session {
        private final X509Certificate leaf;
        private final CertificateCheck.Result result;
        private final Instant notBefore;
        private final long createdNanos;
        private final AtomicBoolean audited = new AtomicBoolean();

        Session(X509Certificate leaf, CertificateCheck.Result result, long createdNanos) {
            this.leaf = leaf;
            this.result = result;
            this.notBefore = leaf.getNotBefore().toInstant();
            this.createdNanos = createdNanos;
        }

        public CertificateCheck.Result result() {
            return result;
        }

        /** True exactly once: for the first allowed request of the session, which goes into the audit chain. */
        public boolean firstAllowed() {
            return audited.compareAndSet(false, true);
        }

        /** The first allowed request's audit record could not be written: the next allowed request tries again. */
        public void auditFailed() {
            audited.set(false);
        }

        /** The certificate was valid when checked; is it still valid at {@code now}? */
        public boolean validAt(Instant now) {
            return !now.isBefore(notBefore) && !now.isAfter(result.notAfter());
        }
    }

    private final int capacity;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** The newest session of each checked certificate (X509Certificate compares by its encoding). */
    private final Map<X509Certificate, Session> certificates = new ConcurrentHashMap<>();

    public TlsSessions(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity >= 2");
        }
        this.capacity = capacity;
    }

    /**
     * The session known under {@code id} if it was checked with this same client certificate; else, when this
     * certificate passed the check on another session (an earlier connection, or a resumed TLS 1.3 session,
     * which has a new id), a new session for {@code id} with that check's result, whose first allowed request
     * is audited again; else null. A {@code null} id (the container gave none) is never stored.
     */
    public Session find(String id, X509Certificate leaf, long nowNanos) {
        if (leaf == null) {
            return null;
        }
        Session session = id == null ? null : sessions.get(id);
        if (session != null && (session.leaf == leaf || session.leaf.equals(leaf))) {
            return session;
        }
        Session earlier = certificates.get(leaf);
        return earlier == null ? null : remember(id, leaf, earlier.result, nowNanos);
    }

    /** Remembers a session whose certificate passed the check; returns it (or the one remembered meanwhile). */
    public Session remember(String id, X509Certificate leaf, CertificateCheck.Result passed, long nowNanos) {
        if (!passed.passed()) {
            throw new IllegalArgumentException("only a passed check is remembered");
        }
        Session fresh = new Session(leaf, passed, nowNanos);
        if (certificates.size() >= capacity) {
            forgetOldestHalf(certificates);
        }
        certificates.put(leaf, fresh);
        if (id == null) {
            return fresh;
        }
        if (sessions.size() >= capacity) {
            forgetOldestHalf(sessions);
        }
        Session known = sessions.putIfAbsent(id, fresh);
        return known != null && (known.leaf == leaf || known.leaf.equals(leaf)) ? known : replace(id, fresh);
    }

    public int size() {
        return sessions.size();
    }

    private Session replace(String id, Session fresh) {
        sessions.put(id, fresh);
        return fresh;
    }

    private synchronized void forgetOldestHalf(Map<?, Session> sessions) {
        if (sessions.size() < capacity) {
            return;
        }
        long[] ages = sessions.values().stream()
                .mapToLong(s -> s.createdNanos)
                .sorted()
                .toArray();
        long cut = ages[ages.length / 2];
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (it.next().createdNanos - cut <= 0) {
                it.remove();
            }
        }
    }
}
