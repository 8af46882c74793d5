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
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.platform.boundary.AuthorizationChanges;
import org.devicetrust.platform.entity.AuthorizationChange;

/**
 * The database side of the authorization view: the change feed (platform's {@link AuthorizationChanges}) and
 * the snapshot of the initial load (this component's devices, the PKI's certificate statuses).
 */
@Stateless
@PermitAll
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AuthorizationFeed {

    private static final int PAGE = 20_000;

    @PersistenceContext
    EntityManager em;

    @EJB
    CertificateQueries certificates;

    @EJB
    AuthorizationChanges changes;

    public long settledUpTo(Instant before) {
        return changes.settledUpTo(before);
    }

    /** Every registered device and every unexpired certificate, in pages. */
    public void loadAll(AuthorizationView view, Instant now) {
        String afterId = "";
        while (true) {
            List<Object[]> rows = em.createQuery(
                            "SELECT d.id, d.status FROM Device d WHERE d.id > :after" + " ORDER BY d.id",
                            Object[].class)
                    .setParameter("after", afterId)
                    .setMaxResults(PAGE)
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
            List<CertificateQueries.Status> page = certificates.unexpiredAfter(after, now, PAGE);
            for (CertificateQueries.Status status : page) {
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
        return changes.after(after, max).stream().map(AuthorizationFeed::change).toList();
    }

    public List<Change> among(List<Long> sequences) {
        return changes.among(sequences).stream().map(AuthorizationFeed::change).toList();
    }

    /** Forgets feed rows older than {@code before}: the view needs only the unsettled tail. */
    public int prune(Instant before) {
        return changes.prune(before);
    }

    static Change change(AuthorizationChange row) {
        return switch (row.kind()) {
            case CERTIFICATE_ISSUED -> Change.issued(row.sequence(), new BigInteger(row.serialHex(), 16));
            case CERTIFICATE_REVOKED ->
                Change.revoked(
                        row.sequence(),
                        new BigInteger(row.serialHex(), 16),
                        row.revokedAt(),
                        RevocationReason.valueOf(row.revocationReason()));
            case DEVICE_STATUS ->
                Change.device(
                        row.sequence(),
                        row.deviceId(),
                        row.status() == null ? null : DeviceStatus.valueOf(row.status()));
        };
    }
}
