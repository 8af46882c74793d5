package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.Test;

class CertificateFactoryTest {

    private static final URI CRL_URL = URI.create("http://localhost:8080/pki/crl/device-ca.crl");
    private final TestPki pki = new TestPki();

    @Test
    void deviceCertificateHasExactlyTheDeviceProfile() throws Exception {
        KeyPair deviceKeys = TestPki.ec("secp256r1");
        X509Certificate certificate = pki.factory.device(
                pki.deviceCa, new DeviceId("sensor-0001"), deviceKeys.getPublic(), Duration.ofDays(365), CRL_URL);
        X509CertificateHolder holder = new X509CertificateHolder(certificate.getEncoded());

        assertEquals(3, holder.getVersionNumber());
        assertEquals(new X500Name("CN=sensor-0001"), holder.getSubject());
        assertEquals(
                X500Name.getInstance(
                        pki.deviceCa.certificate().getSubjectX500Principal().getEncoded()),
                holder.getIssuer());
        assertArrayEquals(
                deviceKeys.getPublic().getEncoded(),
                holder.getSubjectPublicKeyInfo().getEncoded());
        assertEquals(
                "1.2.840.10045.4.3.2",
                holder.getSignatureAlgorithm().getAlgorithm().getId());
        assertTrue(holder.isSignatureValid(
                new JcaContentVerifierProviderBuilder().setProvider(TestPki.BC).build(pki.deviceCa.publicKey())));
        assertEquals(TestPki.NOW, holder.getNotBefore().toInstant());
        assertEquals(
                TestPki.NOW.plus(Duration.ofDays(365)), holder.getNotAfter().toInstant());

        Extensions extensions = holder.getExtensions();
        assertEquals(
                Set.of(
                        Extension.basicConstraints,
                        Extension.keyUsage,
                        Extension.extendedKeyUsage,
                        Extension.subjectAlternativeName,
                        Extension.subjectKeyIdentifier,
                        Extension.authorityKeyIdentifier,
                        Extension.cRLDistributionPoints,
                        Extension.freshestCRL,
                        Extension.authorityInfoAccess),
                Set.of(extensions.getExtensionOIDs()));
        assertEquals(
                Set.of(Extension.basicConstraints, Extension.keyUsage), Set.of(extensions.getCriticalExtensionOIDs()));

        assertFalse(BasicConstraints.fromExtensions(extensions).isCA());
        assertEquals(new KeyUsage(KeyUsage.digitalSignature), KeyUsage.fromExtensions(extensions));
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(extensions);
        assertEquals(1, eku.getUsages().length);
        assertTrue(eku.hasKeyPurposeId(KeyPurposeId.id_kp_clientAuth));
        GeneralName[] san = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName)
                .getNames();
        assertEquals(1, san.length);
        assertEquals(GeneralName.uniformResourceIdentifier, san[0].getTagNo());
        assertEquals("urn:devicetrust:device:sensor-0001", san[0].getName().toString());

        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        assertEquals(
                utils.createSubjectKeyIdentifier(deviceKeys.getPublic()),
                SubjectKeyIdentifier.fromExtensions(extensions));
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.fromExtensions(extensions);
        assertArrayEquals(
                SubjectKeyIdentifier.fromExtensions(new X509CertificateHolder(
                                        pki.deviceCa.certificate().getEncoded())
                                .getExtensions())
                        .getKeyIdentifier(),
                aki.getKeyIdentifier());

        DistributionPoint[] points = CRLDistPoint.getInstance(
                        extensions.getExtensionParsedValue(Extension.cRLDistributionPoints))
                .getDistributionPoints();
        assertEquals(1, points.length);
        GeneralName[] location = GeneralNames.getInstance(
                        points[0].getDistributionPoint().getName())
                .getNames();
        assertEquals(CRL_URL.toString(), location[0].getName().toString());
        assertNull(points[0].getReasons());
        assertNull(points[0].getCRLIssuer());

        DistributionPoint[] freshest = CRLDistPoint.getInstance(
                        extensions.getExtensionParsedValue(Extension.freshestCRL))
                .getDistributionPoints();
        assertEquals(
                "http://localhost:8080/pki/crl/device-ca-delta.crl",
                GeneralNames.getInstance(freshest[0].getDistributionPoint().getName())
                        .getNames()[0]
                        .getName()
                        .toString());
        org.bouncycastle.asn1.x509.AccessDescription[] access =
                org.bouncycastle.asn1.x509.AuthorityInformationAccess.fromExtensions(extensions)
                        .getAccessDescriptions();
        assertEquals(1, access.length);
        assertEquals(org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp, access[0].getAccessMethod());
        assertEquals(
                "http://localhost:8080/pki/ocsp",
                access[0].getAccessLocation().getName().toString());
    }

    @Test
    void serialsAre159RandomBitsPositiveAndDistinct() throws Exception {
        Set<BigInteger> seen = new HashSet<>();
        int longest = 0;
        KeyPair keys = TestPki.ec("secp256r1");
        for (int i = 0; i < 200; i++) {
            BigInteger serial = pki.factory
                    .device(pki.deviceCa, new DeviceId("dev-" + i), keys.getPublic(), Duration.ofDays(1), CRL_URL)
                    .getSerialNumber();
            assertTrue(serial.signum() > 0);
            assertTrue(serial.bitLength() <= 159, "bit length " + serial.bitLength());
            assertTrue(serial.toByteArray().length <= 20);
            longest = Math.max(longest, serial.bitLength());
            assertTrue(seen.add(serial));
        }
        assertEquals(159, longest, "200 random serials should reach the full 159 bits");
        for (int i = 0; i < 1000; i++) {
            assertNotEquals(BigInteger.ZERO, SerialNumbers.next(TestPki.RANDOM));
        }
    }

    @Test
    void validityIsConfigurableButNeverOutlivesTheIssuer() {
        KeyPair keys = TestPki.ec("secp256r1");
        X509Certificate shortLived =
                pki.factory.device(pki.deviceCa, new DeviceId("dev-1"), keys.getPublic(), Duration.ofDays(7), CRL_URL);
        assertEquals(
                TestPki.NOW.plus(Duration.ofDays(7)), shortLived.getNotAfter().toInstant());
        X509Certificate capped = pki.factory.device(
                pki.deviceCa, new DeviceId("dev-1"), keys.getPublic(), Duration.ofDays(100 * 365), CRL_URL);
        assertEquals(pki.deviceCa.certificate().getNotAfter(), capped.getNotAfter());
        assertThrows(
                IllegalArgumentException.class,
                () -> pki.factory.device(
                        pki.deviceCa, new DeviceId("dev-1"), keys.getPublic(), Duration.ZERO, CRL_URL));
    }

    @Test
    void rsaDeviceKeysAreCertifiedToo() throws Exception {
        KeyPair keys = TestPki.rsa(2048);
        X509Certificate certificate = pki.factory.device(
                pki.deviceCa, new DeviceId("rsa-device"), keys.getPublic(), Duration.ofDays(30), CRL_URL);
        certificate.verify(pki.deviceCa.publicKey(), TestPki.BC);
        assertEquals("RSA", certificate.getPublicKey().getAlgorithm());
    }

    @Test
    void rootCaIsSelfSignedP384CaWithCertAndCrlSign() throws Exception {
        X509CertificateHolder root =
                new X509CertificateHolder(pki.root.certificate().getEncoded());
        assertEquals(CertificateFactory.ROOT_CA_NAME, root.getSubject());
        assertEquals(root.getSubject(), root.getIssuer());
        assertEquals(
                "1.2.840.10045.4.3.3",
                root.getSignatureAlgorithm().getAlgorithm().getId());
        assertEquals(
                TestPki.NOW.plus(CertificateFactory.ROOT_CA_VALIDITY),
                root.getNotAfter().toInstant());
        assertTrue(Duration.between(
                                root.getNotBefore().toInstant(),
                                root.getNotAfter().toInstant())
                        .toDays()
                >= 20 * 365);
        Extensions e = root.getExtensions();
        BasicConstraints bc = BasicConstraints.fromExtensions(e);
        assertTrue(bc.isCA());
        assertNull(bc.getPathLenConstraint());
        assertEquals(new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign), KeyUsage.fromExtensions(e));
        assertEquals(Set.of(Extension.basicConstraints, Extension.keyUsage), Set.of(e.getCriticalExtensionOIDs()));
        assertEquals(4, e.getExtensionOIDs().length);
        pki.root.certificate().verify(pki.root.publicKey(), TestPki.BC);
        assertEquals("secp384r1", curveOf(root));
    }

    @Test
    void deviceCaIsP256WithPathLengthZeroSignedByRoot() throws Exception {
        X509CertificateHolder ca =
                new X509CertificateHolder(pki.deviceCa.certificate().getEncoded());
        assertEquals(CertificateFactory.DEVICE_CA_NAME, ca.getSubject());
        assertEquals(CertificateFactory.ROOT_CA_NAME, ca.getIssuer());
        assertEquals(
                TestPki.NOW.plus(CertificateFactory.DEVICE_CA_VALIDITY),
                ca.getNotAfter().toInstant());
        BasicConstraints bc = BasicConstraints.fromExtensions(ca.getExtensions());
        assertTrue(bc.isCA());
        assertEquals(BigInteger.ZERO, bc.getPathLenConstraint());
        assertEquals(
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign), KeyUsage.fromExtensions(ca.getExtensions()));
        assertEquals(4, ca.getExtensions().getExtensionOIDs().length);
        pki.deviceCa.certificate().verify(pki.root.publicKey(), TestPki.BC);
        assertEquals("secp256r1", curveOf(ca));
    }

    @Test
    void tlsServerCertificateNamesLocalhostTheHostsAndLoopback() throws Exception {
        KeyPair keys = TestPki.ec("secp256r1");
        X509Certificate server = pki.factory.tlsServer(
                pki.root, keys.getPublic(), List.of("devicetrust.example.com", "10.0.0.7", "localhost"));
        X509CertificateHolder holder = new X509CertificateHolder(server.getEncoded());
        assertEquals(new X500Name("O=DeviceTrust,CN=devicetrust.example.com"), holder.getSubject());
        assertEquals(CertificateFactory.ROOT_CA_NAME, holder.getIssuer());
        GeneralName[] san = GeneralNames.fromExtensions(holder.getExtensions(), Extension.subjectAlternativeName)
                .getNames();
        assertEquals(
                List.of(
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "devicetrust.example.com"),
                        new GeneralName(GeneralName.iPAddress, "10.0.0.7")),
                List.of(san));
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(holder.getExtensions());
        assertEquals(1, eku.getUsages().length);
        assertTrue(eku.hasKeyPurposeId(KeyPurposeId.id_kp_serverAuth));
        assertFalse(BasicConstraints.fromExtensions(holder.getExtensions()).isCA());
        assertEquals(new KeyUsage(KeyUsage.digitalSignature), KeyUsage.fromExtensions(holder.getExtensions()));
        server.verify(pki.root.publicKey(), TestPki.BC);
        assertThrows(IllegalArgumentException.class, () -> CertificateFactory.hostName("bad host"));
        assertThrows(IllegalArgumentException.class, () -> CertificateFactory.hostName("-leading.example"));
    }

    @Test
    void firmwareSigningCertificateIsForCodeSigningOnly() throws Exception {
        KeyPair keys = TestPki.ec("secp256r1");
        X509CertificateHolder holder = new X509CertificateHolder(
                pki.factory.firmwareSigning(pki.root, keys.getPublic()).getEncoded());
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(holder.getExtensions());
        assertEquals(1, eku.getUsages().length);
        assertTrue(eku.hasKeyPurposeId(KeyPurposeId.id_kp_codeSigning));
        assertFalse(BasicConstraints.fromExtensions(holder.getExtensions()).isCA());
    }

    @Test
    void selfCheckRefusesACertificateSignedWithTheWrongKey() {
        KeyPair stranger = TestPki.ec("secp256r1");
        CaCredential forged = new CaCredential(pki.deviceCa.certificate(), stranger.getPrivate(), pki.deviceCa.chain());
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> pki.factory.device(
                        forged,
                        new DeviceId("dev-1"),
                        TestPki.ec("secp256r1").getPublic(),
                        Duration.ofDays(1),
                        CRL_URL));
        assertTrue(e.getMessage().contains("self-check"));
    }

    private static String curveOf(X509CertificateHolder holder) {
        ASN1ObjectIdentifier oid = (ASN1ObjectIdentifier)
                holder.getSubjectPublicKeyInfo().getAlgorithm().getParameters();
        return org.bouncycastle.asn1.sec.SECNamedCurves.getName(oid);
    }
}
