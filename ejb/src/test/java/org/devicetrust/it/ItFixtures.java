package org.devicetrust.it;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ApplicationException;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.device.boundary.DeviceCertificates;
import org.devicetrust.device.entity.Device;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.platform.entity.AuthorizationChange;
import org.devicetrust.platform.entity.DeviceId;

/** Test only: arranges and inspects database state around the boundaries under test. */
@Stateless
@PermitAll
public class ItFixtures {

    /** Rolls the caller's transaction back, like any application failure. */
    @ApplicationException(rollback = true)
    public static class Rollback extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Rollback(String message) {
            super(message);
        }
    }

    @PersistenceContext
    EntityManager em;

    @EJB
    AuditLog auditLog;

    @Resource(lookup = "jdbc/devicetrust")
    DataSource dataSource;

    public void registerDevice(String id, DeviceStatus status) {
        Device device = new Device(new DeviceId(id), "IT " + id, Instant.now());
        if (status != DeviceStatus.ACTIVE) {
            device.changeStatus(status, Instant.now());
        }
        em.persist(device);
    }

    /** Many ACTIVE devices in one transaction (a fleet for a rollout by filter). */
    public void registerDevices(java.util.List<String> ids) {
        Instant now = Instant.now();
        for (int i = 0; i < ids.size(); i++) {
            em.persist(new Device(new DeviceId(ids.get(i)), "IT " + ids.get(i), now));
            if ((i + 1) % 1000 == 0) {
                em.flush();
                em.clear();
            }
        }
    }

    public long certificatesOf(String deviceId) {
        return em.createQuery("SELECT COUNT(c) FROM IssuedCertificate c WHERE c.deviceId = :d", Long.class)
                .setParameter("d", deviceId)
                .getSingleResult();
    }

    /** Allowed and refused decisions over all hours of the hourly counts. */
    public long[] deviceDecisionTotals() {
        Object[] row = em.createQuery(
                        "SELECT COALESCE(SUM(h.allowed), 0), COALESCE(SUM(h.refused), 0)" + " FROM DeviceAccessHour h",
                        Object[].class)
                .getSingleResult();
        return new long[] {((Number) row[0]).longValue(), ((Number) row[1]).longValue()};
    }

    public long auditRecordCount() {
        return em.createQuery("SELECT COUNT(r) FROM AuditRecord r", Long.class).getSingleResult();
    }

    public long publishedCrls() {
        return em.createQuery("SELECT COUNT(c) FROM PublishedCrl c", Long.class).getSingleResult();
    }

    /** Writes an audit record and then fails, rolling back everything this transaction did. */
    public void auditThenFail(String subject) {
        registerDevice(subject, DeviceStatus.ACTIVE);
        auditLog.success(AuditAction.DEVICE_REGISTERED, subject, "written before the rollback");
        throw new Rollback("business step failed after the audit record was written");
    }

    /**
     * Issues in this transaction, asks for another audit record on the same thread (which must not wait for the
     * chain head the issuance holds), then fails if told to, rolling the issuance back.
     */
    public String issueThenRecord(DeviceCertificates certificates, String device, byte[] csr, boolean fail) {
        String serial = certificates.issue(device, csr).serialHex();
        auditLog.failure(AuditAction.DEVICE_REGISTERED, device, "asked for after the issuance of " + serial);
        if (fail) {
            throw new Rollback("business step failed after the issuance of " + serial);
        }
        return serial;
    }

    /** Writes a change-feed row without announcing it here, as another node sharing the database would. */
    public void recordChangeOnAnotherNode(AuthorizationChange change) {
        em.persist(change);
    }

    public boolean deviceExists(String id) {
        return em.find(Device.class, id) != null;
    }

    /** {@code seq, outcome, detail} of the audit records about {@code subject}, straight from SQL. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<String[]> auditRecordsAbout(String subject) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT seq, outcome, action, detail, actor FROM audit_record WHERE subject = ? ORDER BY seq")) {
            s.setString(1, subject);
            try (ResultSet r = s.executeQuery()) {
                List<String[]> rows = new java.util.ArrayList<>();
                while (r.next()) {
                    rows.add(
                            new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)
                            });
                }
                return rows;
            }
        }
    }

    /** Alters a stored audit record behind the application's back, as an attacker with SQL access would. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void setAuditDetail(long sequence, String detail) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE audit_record SET detail = ? WHERE seq = ?")) {
            s.setString(1, detail);
            s.setLong(2, sequence);
            if (s.executeUpdate() != 1) {
                throw new SQLException("audit record " + sequence + " not found");
            }
        }
    }
}
