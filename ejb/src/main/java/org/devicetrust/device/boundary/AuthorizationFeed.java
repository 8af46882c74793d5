package org.devicetrust.device.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.devicetrust.device.control.AuthorizationFollower.Change;
import org.devicetrust.device.control.AuthorizationView;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.pki.boundary.CertificateStatuses;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.platform.entity.AuthorizationChange;

/**
 * The database side of the authorization view: the change feed and the snapshot of the initial load. Each
 * call is a short read-only transaction of its own with a query timeout, so a database that hangs fails the
 * call (and the view runs out of freshness) instead of holding the poller forever.
 */
@Stateless
@PermitAll
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class AuthorizationFeed {

    static final int QUERY_TIMEOUT_MS = 2000;
    static final String TIMEOUT_HINT = "jakarta.persistence.query.timeout";
    private static final int PAGE = 20_000;

    @PersistenceContext
    EntityManager em;

    @EJB
    CertificateStatuses certificates;

    public long settledUpTo(Instant before) {
        Long settled = em.createNamedQuery(AuthorizationChange.SETTLED, Long.class).setParameter("before", before)
                .setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS).getSingleResult();
        return settled == null ? 0 : settled;
    }

    /** Every registered device and every unexpired certificate, in pages. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void loadAll(AuthorizationView view, Instant now) {
        String afterId = "";
        while (true) {
            List<Object[]> rows = em.createQuery("SELECT d.id, d.status FROM Device d WHERE d.id > :after"
                    + " ORDER BY d.id", Object[].class).setParameter("after", afterId).setMaxResults(PAGE)
                    .getResultList();
            for (Object[] row : rows) {
                view.deviceStatus((String) row[0], (DeviceStatus) row[1]);
            }
            if (rows.size() < PAGE) {
                break;
            }
            afterId = (String) rows.get(rows.size() - 1)[0];
        }
        long after = 0;
        while (true) {
            List<CertificateStatuses.Status> page = certificates.unexpiredAfter(after, now, PAGE);
            for (CertificateStatuses.Status status : page) {
                if (status.revoked()) {
                    view.certificateRevoked(status.serial(), status.revokedAt(), status.reason());
                } else {
                    view.certificateIssued(status.serial());
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).position();
        }
    }

    public List<Change> after(long after, int max) {
        return em.createNamedQuery(AuthorizationChange.AFTER, AuthorizationChange.class).setParameter("after", after)
                .setMaxResults(max).setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS).getResultStream()
                .map(AuthorizationFeed::change).toList();
    }

    public List<Change> among(List<Long> sequences) {
        if (sequences.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery(AuthorizationChange.AMONG, AuthorizationChange.class)
                .setParameter("sequences", sequences).setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS).getResultStream()
                .map(AuthorizationFeed::change).toList();
    }

    /** Forgets feed rows older than {@code before}: the view needs only the unsettled tail. */
    public int prune(Instant before) {
        return em.createNamedQuery(AuthorizationChange.DELETE_BEFORE).setParameter("before", before)
                .setHint(TIMEOUT_HINT, QUERY_TIMEOUT_MS).executeUpdate();
    }

    static Change change(AuthorizationChange row) {
        return switch (row.kind()) {
            case CERTIFICATE_ISSUED -> Change.issued(row.sequence(), new BigInteger(row.serialHex(), 16));
            case CERTIFICATE_REVOKED -> Change.revoked(row.sequence(), new BigInteger(row.serialHex(), 16),
                    row.revokedAt(), RevocationReason.valueOf(row.revocationReason()));
            case DEVICE_STATUS -> Change.device(row.sequence(), row.deviceId(),
                    row.status() == null ? null : DeviceStatus.valueOf(row.status()));
        };
    }
}
