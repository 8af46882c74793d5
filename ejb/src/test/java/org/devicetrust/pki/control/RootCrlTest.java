package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CRLHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCrlTest {

    private final TestPki pki = new TestPki();

    @TempDir
    Path dir;

    private RootCrl at(Duration later) {
        return new RootCrl(TestPki.BC, Clock.fixed(TestPki.NOW.plus(later), ZoneOffset.UTC));
    }

    @Test
    void urlSitsBesideTheDeviceCaCrl() {
        assertEquals(
                URI.create("http://iot.example:8080/pki/crl/root-ca.crl"),
                RootCrl.url(URI.create("http://iot.example:8080/pki/crl/device-ca.crl")));
    }

    @Test
    void firstPublicationIsAnEmptyCrlSignedByTheRootForSevenDays() throws Exception {
        Path file = dir.resolve("root-ca.crl");
        assertEquals(Optional.of(BigInteger.ONE), at(Duration.ZERO).publishIfDue(file, pki.root));
        X509CRLHolder crl = at(Duration.ZERO).read(file, pki.root.certificate()).orElseThrow();
        assertTrue(crl.getRevokedCertificates().isEmpty());
        assertEquals(
                RootCrl.VALIDITY,
                Duration.between(
                        crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()));
        assertArrayEquals(
                crl.getEncoded(),
                at(Duration.ZERO).der(file, pki.root.certificate()).orElseThrow());
    }

    @Test
    void keptUntilHalfItsValidityThenNumberedOn() throws Exception {
        Path file = dir.resolve("root-ca.crl");
        at(Duration.ZERO).publishIfDue(file, pki.root);
        byte[] first = Files.readAllBytes(file);
        assertEquals(Optional.empty(), at(Duration.ofHours(83)).publishIfDue(file, pki.root));
        assertArrayEquals(first, Files.readAllBytes(file));
        assertEquals(Optional.of(BigInteger.TWO), at(Duration.ofHours(84)).publishIfDue(file, pki.root));
    }

    @Test
    void aFileTheRootDidNotSignIsReplaced() throws Exception {
        Path file = dir.resolve("root-ca.crl");
        byte[] foreign = new CrlFactory(TestPki.BC)
                .create(pki.deviceCa, BigInteger.TEN, TestPki.NOW, TestPki.NOW.plus(Duration.ofDays(7)), List.of())
                .der();
        Files.write(file, Pem.crl(foreign));
        assertEquals(Optional.empty(), at(Duration.ZERO).der(file, pki.root.certificate()));
        assertEquals(Optional.of(BigInteger.ONE), at(Duration.ZERO).publishIfDue(file, pki.root));
        Files.writeString(file, "not a CRL");
        assertEquals(Optional.of(BigInteger.ONE), at(Duration.ZERO).publishIfDue(file, pki.root));
    }
}
