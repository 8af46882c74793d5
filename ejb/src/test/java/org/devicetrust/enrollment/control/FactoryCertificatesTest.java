package org.devicetrust.enrollment.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FactoryCertificatesTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final TestCertificates.Issued MAKER = TestCertificates.ca(
            "CN=Maker CA,O=Maker", NOW.minus(Duration.ofDays(365)), NOW.plus(Duration.ofDays(3650)));
    final FactoryCertificates factory = FactoryCertificates.fromPem(TestCertificates.pem(MAKER.certificate()));

    private static X509Certificate idevid(TestCertificates.Issued issuer, String subject) {
        return TestCertificates.leaf(issuer, subject, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650)))
                .certificate();
    }

    @Test
    void anIdevidOfAConfiguredMakerNamesTheDeviceInItsSubjectSerialNumber() {
        X509Certificate leaf = idevid(MAKER, "CN=Sensor,SERIALNUMBER=sensor-0042");
        assertEquals(Optional.of("sensor-0042"), factory.deviceIdOf(new X509Certificate[] {leaf}, NOW));
        assertEquals(
                Optional.of("sensor-0042"),
                factory.deviceIdOf(new X509Certificate[] {leaf, MAKER.certificate()}, NOW),
                "the anchor may come along");
    }

    @Test
    void anotherMakersCertificateNamesNoDevice() {
        TestCertificates.Issued other =
                TestCertificates.ca("CN=Other CA", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650)));
        X509Certificate leaf = idevid(other, "CN=Sensor,SERIALNUMBER=sensor-0042");
        assertEquals(Optional.empty(), factory.deviceIdOf(new X509Certificate[] {leaf}, NOW));
    }

    @Test
    void anExpiredOrInvalidIdNamesNoDevice() {
        X509Certificate leaf = idevid(MAKER, "CN=Sensor,SERIALNUMBER=sensor-0042");
        assertEquals(
                Optional.empty(), factory.deviceIdOf(new X509Certificate[] {leaf}, NOW.plus(Duration.ofDays(3651))));
        assertEquals(
                Optional.empty(),
                factory.deviceIdOf(
                        new X509Certificate[] {idevid(MAKER, "CN=Sensor,SERIALNUMBER=Not A Device Id")}, NOW));
        assertEquals(Optional.empty(), factory.deviceIdOf(new X509Certificate[] {idevid(MAKER, "CN=Sensor")}, NOW));
        assertEquals(Optional.empty(), factory.deviceIdOf(null, NOW));
        assertEquals(Optional.empty(), factory.deviceIdOf(new X509Certificate[0], NOW));
    }

    @Test
    void theMakerCaItselfIsNotAFactoryCertificate() {
        assertEquals(Optional.empty(), factory.deviceIdOf(new X509Certificate[] {MAKER.certificate()}, NOW));
    }

    @Test
    void aFileWithoutCaCertificatesIsRefused() {
        X509Certificate leaf = idevid(MAKER, "CN=Sensor,SERIALNUMBER=sensor-0042");
        assertThrows(IllegalArgumentException.class, () -> FactoryCertificates.fromPem(TestCertificates.pem(leaf)));
        assertThrows(IllegalArgumentException.class, () -> FactoryCertificates.fromPem(new byte[0]));
    }
}
