package org.devicetrust.pki.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.RevocationReason;

/**
 * The status of every certificate the Device CA issued, in pages, for the device API's in-memory authorization
 * view (its initial load). Read-only; open to the container's own callers.
 */
@Stateless
@PermitAll
public class CertificateStatuses {

    /** One certificate's status: {@code revokedAt} and {@code reason} are set only for a revoked one. */
    public record Status(long position, BigInteger serial, boolean revoked, Instant revokedAt,
            RevocationReason reason) {
    }

    @PersistenceContext
    EntityManager em;

    @EJB
    DeviceCa deviceCa;

    /**
     * Up to {@code max} certificates still valid at {@code now} (expired ones are refused by their dates before
     * any status lookup), after position {@code after} (0 to start), in position order.
     */
    public List<Status> unexpiredAfter(long after, Instant now, int max) {
        return em.createQuery("SELECT c.id, c.serialHex, c.status, c.revokedAt, c.revocationReason"
                        + " FROM IssuedCertificate c WHERE c.issuerDn = :issuer AND c.id > :after"
                        + " AND c.notAfter > :now ORDER BY c.id", Object[].class)
                .setParameter("issuer", deviceCa.issuerDn()).setParameter("after", after).setParameter("now", now)
                .setMaxResults(Math.max(1, Math.min(max, 50_000))).getResultStream()
                .map(row -> new Status((Long) row[0], new BigInteger((String) row[1], 16),
                        row[2] == CertificateStatus.REVOKED, (Instant) row[3], (RevocationReason) row[4]))
                .toList();
    }
}
