package org.devicetrust.platform.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import org.devicetrust.platform.entity.AuthorizationChange;

/**
 * The authorization change feed. {@link #record} writes one row in the caller's transaction and announces it,
 * so that this node's authorization view applies the change when the transaction commits (observers of
 * {@link AuthorizationChange} with {@code during = AFTER_SUCCESS}) and every other node reads it from the feed.
 * The reads are short transactions of their own with a query timeout, so a database that hangs fails the
 * read (and the reader's view runs out of freshness) instead of holding the reader.
 */
@Stateless
@PermitAll
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class AuthorizationChanges {

    static final int QUERY_TIMEOUT_MS = 2000;
    private static final String TIMEOUT_HINT = "jakarta.persistence.query.timeout";

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<AuthorizationChange> committed;

    /** Call after taking the lock that orders changes of the same certificate or device. */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void record(AuthorizationChange change) {
        em.persist(change);
        committed.fire(change);
    }

    /** Rows above sequence number {@code after}, in ascending order, at most {@code max}. */
    public List<AuthorizationChange> after(long after, int max) {
        return em.createNamedQuery(AuthorizationChange.AFTER, AuthorizationChange.class)
                .setParameter("after", after)
                .setMaxResults(max)
                .setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS)
                .getResultList();
    }

    /** The rows with these sequence numbers that exist now. */
    public List<AuthorizationChange> among(List<Long> sequences) {
        if (sequences.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery(AuthorizationChange.AMONG, AuthorizationChange.class)
                .setParameter("sequences", sequences)
                .setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS)
                .getResultList();
    }

    /** The highest sequence number among rows recorded before {@code before}, or 0. */
    public long settledUpTo(Instant before) {
        Long settled = em.createNamedQuery(AuthorizationChange.SETTLED, Long.class)
                .setParameter("before", before)
                .setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS)
                .getSingleResult();
        return settled == null ? 0 : settled;
    }

    /** Forgets rows recorded before {@code before}. */
    public int prune(Instant before) {
        return em.createNamedQuery(AuthorizationChange.DELETE_BEFORE)
                .setParameter("before", before)
                .setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS)
                .executeUpdate();
    }
}
