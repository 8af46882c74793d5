package org.devicetrust.platform.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.devicetrust.platform.entity.AuthorizationChange;

/**
 * Writes one row of the authorization change feed in the caller's transaction and announces it, so that this
 * node's authorization view applies the change when the transaction commits (observers of
 * {@link AuthorizationChange} with {@code during = AFTER_SUCCESS}) and every other node reads it from the feed.
 * Call it after taking the lock that orders changes of the same certificate or device.
 */
@Stateless
@PermitAll
@TransactionAttribute(TransactionAttributeType.MANDATORY)
public class AuthorizationChanges {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<AuthorizationChange> committed;

    public void record(AuthorizationChange change) {
        em.persist(change);
        committed.fire(change);
    }
}
