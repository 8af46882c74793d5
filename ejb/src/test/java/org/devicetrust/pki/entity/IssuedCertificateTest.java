package org.devicetrust.pki.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.CertificateFactory;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IssuedCertificateTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static X509Certificate certificate;

    @BeforeAll
    static void issueOne() throws Exception {
        BouncyCastleProvider bc = new BouncyCastleProvider();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", bc);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKeys = generator.generateKeyPair();
        CertificateFactory factory = new CertificateFactory(bc, new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC));
        X509Certificate ca = factory.rootCa(caKeys.getPublic(), caKeys.getPrivate());
        certificate = factory.device(
                new CaCredential(ca, caKeys.getPrivate(), List.of(ca)),
                new DeviceId("meter-17"),
                generator.generateKeyPair().getPublic(),
                Duration.ofDays(10),
                URI.create("http://localhost/crl"));
    }

    @Test
    void storesWhatTheCertificateSays() throws Exception {
        IssuedCertificate issued =
                new IssuedCertificate(certificate, new DeviceId("meter-17"), "EC P-256", NOW, "alice");
        assertEquals(certificate.getSerialNumber(), issued.serial());
        assertEquals(certificate.getSerialNumber().toString(16), issued.serialHex());
        assertEquals("CN=meter-17", issued.subjectDn());
        assertEquals("CN=DeviceTrust Root CA,O=DeviceTrust", issued.issuerDn());
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())),
                issued.sha256Fingerprint());
        assertEquals(certificate, issued.certificate());
        assertEquals(NOW, issued.notBefore());
        assertEquals(NOW.plus(Duration.ofDays(10)), issued.notAfter());
        assertEquals(CertificateStatus.ISSUED, issued.status());
        assertTrue(issued.revocationStatus().isGood());
        assertNull(issued.revokedAt());
    }

    @Test
    void refusesACertificateOfAnotherDevice() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new IssuedCertificate(certificate, new DeviceId("meter-18"), "EC P-256", NOW, "alice"));
    }

    @Test
    void revocationIsFinal() {
        IssuedCertificate issued =
                new IssuedCertificate(certificate, new DeviceId("meter-17"), "EC P-256", NOW, "alice");
        issued.revoke(RevocationReason.KEY_COMPROMISE, NOW.plusSeconds(5), "bob");
        assertEquals(
                new RevocationStatus(
                        RevocationStatus.State.REVOKED, NOW.plusSeconds(5), RevocationReason.KEY_COMPROMISE),
                issued.revocationStatus());
        assertEquals("bob", issued.revokedBy());
        assertThrows(
                IllegalStateException.class,
                () -> issued.revoke(RevocationReason.SUPERSEDED, NOW.plusSeconds(6), "bob"));
        assertEquals(RevocationReason.KEY_COMPROMISE, issued.revocationReason());
    }

    @Test
    void revocationReasonsParseByNameRfcNameAndCode() {
        assertEquals(RevocationReason.KEY_COMPROMISE, RevocationReason.parse("KEY_COMPROMISE"));
        assertEquals(RevocationReason.KEY_COMPROMISE, RevocationReason.parse("keyCompromise"));
        assertEquals(RevocationReason.KEY_COMPROMISE, RevocationReason.parse("1"));
        assertEquals(RevocationReason.PRIVILEGE_WITHDRAWN, RevocationReason.parse(" privilegewithdrawn "));
        assertEquals(9, RevocationReason.PRIVILEGE_WITHDRAWN.code());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RevocationReason.parse("cACompromise"));
        assertTrue(e.getMessage().contains("keyCompromise"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RevocationReason.parse("8"));
        assertThrows(IllegalArgumentException.class, () -> RevocationReason.parse(null));
    }

    @Test
    void crlSeriesNumbersStrictlyIncreaseAndRespectTheFloor() {
        CrlSeries series = new CrlSeries("CN=x", 0);
        assertEquals(1, series.next(0));
        assertEquals(2, series.next(0));
        assertEquals(11, series.next(10));
        assertEquals(12, series.next(3));
        assertThrows(IllegalArgumentException.class, () -> new CrlSeries("CN=x", -1));
    }

    @Test
    void publishedCrlGuardsItsFields() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new PublishedCrl("CN=x", 0, NOW, NOW.plusSeconds(1), 0, new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new PublishedCrl("CN=x", 1, NOW, NOW, 0, new byte[] {1}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PublishedCrl("CN=x", 1, NOW, NOW.plusSeconds(1), 0, new byte[0]));
        byte[] der = {1, 2, 3};
        PublishedCrl crl = new PublishedCrl("CN=x", 1, NOW, NOW.plusSeconds(1), 0, der);
        der[0] = 9;
        assertEquals(1, crl.der()[0], "the entity keeps its own copy");
    }
}
