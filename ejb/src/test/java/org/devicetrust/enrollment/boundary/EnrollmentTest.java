package org.devicetrust.enrollment.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.SessionContext;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.devicetrust.audit.boundary.AuditLog;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.audit.entity.AuditRecord;
import org.devicetrust.device.boundary.DeviceRegistry;
import org.devicetrust.device.entity.Device;
import org.devicetrust.enrollment.control.EstSettings;
import org.devicetrust.enrollment.control.TestCertificates;
import org.devicetrust.pki.boundary.CertificateIssuance;
import org.devicetrust.pki.boundary.CertificateQueries;
import org.devicetrust.pki.boundary.CertificateRevocation;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The re-enrollment rule of the EST boundary without a container: a fixed clock decides whether the current
 * certificate is inside the renewal window; the CA and the registry are stand-ins that record what they are
 * asked.
 */
class EnrollmentTest {

    static final DeviceId DEVICE = new DeviceId("sensor-1");
    static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(365));
    static final TestCertificates.Issued CA =
            TestCertificates.ca("CN=Device CA", ISSUED.minus(Duration.ofDays(1)), ISSUED.plus(Duration.ofDays(3650)));

    final List<String> audit = new ArrayList<>();
    final List<String> revoked = new ArrayList<>();
    final List<String> issuedTo = new ArrayList<>();
    Enrollment enrollment;
    X509Certificate current;
    IssuedCertificate stored;

    @BeforeEach
    void setUp() {
        current = TestCertificates.leaf(CA, "CN=sensor-1", ISSUED, EXPIRES).certificate();
        stored = new IssuedCertificate(current, DEVICE, "EC P-256", ISSUED, "admin");
        enrollment = new Enrollment();
        enrollment.settings = new EnrollmentSettings() {
            @Override
            public EstSettings current() {
                return new EstSettings(30, 7, 72, true, Optional.empty());
            }
        };
        enrollment.certificates = new CertificateQueries() {
            @Override
            public Optional<IssuedCertificate> findBySerial(String serial) {
                return serial.equals(stored.serialHex()) ? Optional.of(stored) : Optional.empty();
            }
        };
        enrollment.registry = new DeviceRegistry() {
            @Override
            public Device lockActive(String id) {
                return new Device(new DeviceId(id), id, ISSUED);
            }
        };
        enrollment.issuance = new CertificateIssuance() {
            @Override
            public String requestedCommonName(byte[] csr) {
                return "sensor-1";
            }

            @Override
            public IssuedCertificate issue(DeviceId device, byte[] csr, String issuedBy) {
                issuedTo.add(device + " by " + issuedBy);
                X509Certificate renewed = TestCertificates.leaf(
                                CA, "CN=sensor-1", now(), now().plus(Duration.ofDays(365)))
                        .certificate();
                return new IssuedCertificate(renewed, device, "EC P-256", now(), issuedBy);
            }
        };
        enrollment.revocation = new CertificateRevocation() {
            @Override
            public IssuedCertificate revokeSuperseded(String serial, String revokedBy, String publishedBy) {
                revoked.add(serial + " by " + revokedBy + ", CRL by " + publishedBy);
                return stored;
            }
        };
        enrollment.auditLog = new AuditLog() {
            @Override
            public AuditRecord record(
                    String actor, AuditAction action, String subject, AuditOutcome outcome, String detail) {
                audit.add(action + " " + outcome + " " + actor + ": " + detail);
                return null;
            }
        };
        Principal caller = () -> "sensor-1";
        enrollment.context = (SessionContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SessionContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getCallerPrincipal")) {
                        return caller;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        at(EXPIRES.minus(Duration.ofDays(10)));
    }

    private void at(Instant now) {
        enrollment.clock = Clock.fixed(now, ZoneOffset.UTC);
    }

    private Instant now() {
        return enrollment.clock.instant();
    }

    @Test
    void insideTheWindowTheDeviceGetsANewCertificateAndTheOldOneIsRevokedAsSuperseded() {
        IssuedCertificate renewed = enrollment.reenroll(current, new byte[] {1});
        assertEquals(DEVICE, renewed.deviceId());
        assertEquals(List.of("sensor-1 by est:sensor-1 (certificate " + stored.serialHex() + ")"), issuedTo);
        assertEquals(
                List.of(stored.serialHex() + " by est:sensor-1 (certificate " + stored.serialHex()
                        + "), CRL by sensor-1"),
                revoked);
        assertTrue(
                audit.get(audit.size() - 1)
                        .startsWith("EST_REENROLL SUCCESS device:sensor-1: serial " + renewed.serialHex() + " replaces "
                                + stored.serialHex() + " (revoked: superseded)"),
                audit.toString());
    }

    @Test
    void beforeTheWindowRenewalIsNotDueAndNothingIsIssued() {
        at(EXPIRES.minus(Duration.ofDays(30)).minusSeconds(1));
        EnrollmentException.RenewalNotDue refused = assertThrows(
                EnrollmentException.RenewalNotDue.class, () -> enrollment.reenroll(current, new byte[] {1}));
        assertEquals("renewal-not-due", refused.type());
        assertTrue(
                refused.getMessage().endsWith("renewal opens at " + EXPIRES.minus(Duration.ofDays(30))),
                refused.getMessage());
        assertEquals(List.of(), issuedTo);
        assertEquals(List.of(), revoked);
        assertTrue(audit.get(0).startsWith("EST_REENROLL FAILURE device:sensor-1: renewal-not-due"), audit.get(0));
    }

    @Test
    void afterTheGracePeriodTheCertificateIsExpiredForRenewal() {
        at(EXPIRES.plus(Duration.ofDays(7)));
        enrollment.reenroll(current, new byte[] {1});
        at(EXPIRES.plus(Duration.ofDays(7)).plusSeconds(1));
        assertEquals(
                "certificate-expired",
                assertThrows(
                                EnrollmentException.CertificateRefused.class,
                                () -> enrollment.reenroll(current, new byte[] {1}))
                        .type());
    }

    @Test
    void aCertificateOfAnotherDeviceIsNotRenewed() {
        enrollment.context = (SessionContext) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SessionContext.class}, (proxy, method, args) ->
                        (Principal) () -> "sensor-2");
        assertEquals(
                "certificate-not-yours",
                assertThrows(
                                EnrollmentException.CertificateRefused.class,
                                () -> enrollment.reenroll(current, new byte[] {1}))
                        .type());
        assertEquals(List.of(), issuedTo);
    }
}
