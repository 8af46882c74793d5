package org.devicetrust.enrollment.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.devicetrust.enrollment.entity.EnrollmentToken;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.Test;

/** A grant exists only after its proof was checked, at a fixed instant. */
class EnrollmentGrantTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final DeviceId DEVICE = new DeviceId("sensor-1");
    static final TestCertificates.Issued DEVICE_CA =
            TestCertificates.ca("CN=Device CA", NOW.minus(Duration.ofDays(400)), NOW.plus(Duration.ofDays(3650)));
    final RenewalPolicy policy = new RenewalPolicy(Duration.ofDays(30), Duration.ZERO);

    private static EnrollmentToken token(String plain, Instant expiresAt) {
        return new EnrollmentToken(
                DEVICE, EnrollmentTokens.sha256Hex(plain), NOW.minus(Duration.ofHours(1)), expiresAt, "admin");
    }

    @Test
    void aUsableTokenGrantsItsDeviceAndNothingToRevoke() {
        EnrollmentGrant grant = EnrollmentGrant.forToken(token("t0ken", NOW.plusSeconds(60)), "t0ken", NOW)
                .orElseThrow();
        assertEquals(DEVICE, grant.device());
        assertTrue(grant.actor().startsWith("est:sensor-1 (enrollment token #"), grant.actor());
        assertEquals(Optional.empty(), grant.supersededSerial());
    }

    @Test
    void aWrongExpiredOrConsumedTokenGrantsNothing() {
        assertEquals(Optional.empty(), EnrollmentGrant.forToken(token("t0ken", NOW.plusSeconds(60)), "other", NOW));
        assertEquals(Optional.empty(), EnrollmentGrant.forToken(token("t0ken", NOW), "t0ken", NOW));
        EnrollmentToken consumed = token("t0ken", NOW.plusSeconds(60));
        consumed.consume("abc", NOW);
        assertEquals(Optional.empty(), EnrollmentGrant.forToken(consumed, "t0ken", NOW));
    }

    private static IssuedCertificate issued(Instant notBefore, Instant notAfter, TestCertificates.Issued[] keep) {
        keep[0] = TestCertificates.leaf(DEVICE_CA, "CN=" + DEVICE.value(), notBefore, notAfter);
        return new IssuedCertificate(keep[0].certificate(), DEVICE, "EC P-256", notBefore, "admin");
    }

    @Test
    void aCurrentCertificateInsideTheWindowGrantsRenewalAndNamesItselfForRevocation() {
        TestCertificates.Issued[] presented = new TestCertificates.Issued[1];
        IssuedCertificate current = issued(NOW.minus(Duration.ofDays(340)), NOW.plus(Duration.ofDays(10)), presented);
        EnrollmentGrant grant = EnrollmentGrant.forRenewal(
                        current, presented[0].certificate(), "sensor-1", policy, NOW, true)
                .orElseThrow();
        assertEquals(DEVICE, grant.device());
        assertEquals(Optional.of(current.serialHex()), grant.supersededSerial());
        assertEquals(
                Optional.empty(),
                EnrollmentGrant.forRenewal(current, presented[0].certificate(), "sensor-1", policy, NOW, false)
                        .orElseThrow()
                        .supersededSerial());
    }

    @Test
    void renewalIsRefusedBeforeTheWindowForAnotherDeviceForAnotherCertificateAndWhenRevoked() {
        TestCertificates.Issued[] presented = new TestCertificates.Issued[1];
        IssuedCertificate early = issued(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)), presented);
        assertEquals(
                Optional.empty(),
                EnrollmentGrant.forRenewal(early, presented[0].certificate(), "sensor-1", policy, NOW, true));

        IssuedCertificate due = issued(NOW.minus(Duration.ofDays(340)), NOW.plus(Duration.ofDays(10)), presented);
        X509Certificate dueCertificate = presented[0].certificate();
        assertEquals(Optional.empty(), EnrollmentGrant.forRenewal(due, dueCertificate, "sensor-2", policy, NOW, true));
        X509Certificate other = TestCertificates.leaf(
                        DEVICE_CA, "CN=sensor-1", NOW.minus(Duration.ofDays(340)), NOW.plus(Duration.ofDays(10)))
                .certificate();
        assertEquals(Optional.empty(), EnrollmentGrant.forRenewal(due, other, "sensor-1", policy, NOW, true));
        due.revoke(RevocationReason.KEY_COMPROMISE, NOW, "admin");
        assertEquals(Optional.empty(), EnrollmentGrant.forRenewal(due, dueCertificate, "sensor-1", policy, NOW, true));
    }

    @Test
    void aFactoryCertificateGrantsOnlyTheDeviceItNames() {
        TestCertificates.Issued maker =
                TestCertificates.ca("CN=Maker CA", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650)));
        FactoryCertificates factory = FactoryCertificates.fromPem(TestCertificates.pem(maker.certificate()));
        X509Certificate[] chain = {
            TestCertificates.leaf(
                            maker,
                            "CN=Sensor,SERIALNUMBER=sensor-1",
                            NOW.minus(Duration.ofDays(1)),
                            NOW.plus(Duration.ofDays(3650)))
                    .certificate()
        };
        EnrollmentGrant grant = EnrollmentGrant.forFactoryCertificate(factory, chain, "sensor-1", NOW)
                .orElseThrow();
        assertEquals(DEVICE, grant.device());
        assertTrue(grant.actor().startsWith("est:sensor-1 (factory certificate "), grant.actor());
        assertEquals(Optional.empty(), EnrollmentGrant.forFactoryCertificate(factory, chain, "sensor-2", NOW));
    }
}
