package org.devicetrust.pki.boundary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.it.ItAuthentication;
import org.devicetrust.it.ItDeployment;
import org.devicetrust.it.ItFixtures;
import org.devicetrust.pki.control.Pem;
import org.devicetrust.pki.entity.CertificateStatus;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.PublishedCrl;
import org.devicetrust.pki.entity.RevocationReason;
import org.devicetrust.pki.entity.RevocationStatus;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The certificate authority inside Payara Micro, against PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class CertificateAuthorityIT {

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create();
    }

    @Inject
    CertificateAuthority ca;

    @Inject
    ItFixtures fixtures;

    private static String newDeviceId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String activeDevice() {
        String id = newDeviceId("it");
        fixtures.registerDevice(id, DeviceStatus.ACTIVE);
        return id;
    }

    @Test
    void issuesCertificateForActiveDeviceAndStoresItWithTheDeviceLink() throws Exception {
        String device = activeDevice();
        Openssl.Csr csr = Openssl.csr(device, "ec", "ec_paramgen_curve:P-256");
        IssuedCertificate issued = ca.issue(device, csr.pem());

        X509Certificate certificate = issued.certificate();
        certificate.verify(ca.deviceCaCertificate().getPublicKey());
        assertEquals("CN=" + device, certificate.getSubjectX500Principal().getName());
        assertEquals(ca.deviceCaCertificate().getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(CertificateStatus.ISSUED, issued.status());
        assertEquals("EC P-256", issued.keyDescription());
        assertEquals(ItAuthentication.CALLER, issued.issuedBy());
        assertEquals(1, fixtures.certificatesOf(device));
        assertEquals(issued.serialHex(), ca.findBySerial(issued.serialHex()).orElseThrow().serialHex());
        assertEquals(List.of(issued.serialHex()), ca.certificatesOf(device).stream()
                .map(IssuedCertificate::serialHex).toList());
        assertEquals(RevocationStatus.State.GOOD, ca.revocationStatus(certificate.getIssuerX500Principal(),
                certificate.getSerialNumber()).state());
        assertTrue(ca.countByStatus().get(CertificateStatus.ISSUED) >= 1);
        assertTrue(ca.countExpiringWithin(400) >= 1);
        assertTrue(fixtures.auditRecordsAbout(device).stream()
                .anyMatch(r -> "CERTIFICATE_ISSUED".equals(r[2]) && "SUCCESS".equals(r[1])
                        && ItAuthentication.CALLER.equals(r[4])));
    }

    @Test
    void refusalsHaveTheirTypeLeaveNothingBehindAndAreAudited() throws Exception {
        String suspended = newDeviceId("it-suspended");
        fixtures.registerDevice(suspended, DeviceStatus.SUSPENDED);
        byte[] csr = Openssl.csr(suspended, "ec", "ec_paramgen_curve:P-256").pem();
        assertEquals("device-not-active", assertThrows(PkiException.DeviceNotActive.class,
                () -> ca.issue(suspended, csr)).type());
        assertEquals(0, fixtures.certificatesOf(suspended));
        assertTrue(fixtures.auditRecordsAbout(suspended).stream()
                .anyMatch(r -> "FAILURE".equals(r[1]) && r[3].startsWith("device-not-active")));

        String unknown = newDeviceId("it-unknown");
        assertEquals("device-unknown", assertThrows(PkiException.UnknownDevice.class,
                () -> ca.issue(unknown, csr)).type());

        String device = activeDevice();
        assertEquals("csr-malformed", assertThrows(PkiException.InvalidCsr.class,
                () -> ca.issue(device, "garbage".getBytes(StandardCharsets.US_ASCII))).type());
        assertEquals("key-unsupported", assertThrows(PkiException.InvalidCsr.class,
                () -> ca.issue(device, Openssl.csr(device, "ec", "ec_paramgen_curve:secp256k1").pem())).type());
        assertEquals("key-unsupported", assertThrows(PkiException.InvalidCsr.class,
                () -> ca.issue(device, Openssl.csr(device, "rsa", "rsa_keygen_bits:1024").pem())).type());
        assertEquals(0, fixtures.certificatesOf(device));
    }

    @Test
    void revokeRepublishesCrlAndSecondRevokeIsRefused() throws Exception {
        String device = activeDevice();
        IssuedCertificate issued = ca.issue(device, Openssl.csr(device, "ec", "ec_paramgen_curve:P-384").pem());
        long before = ca.currentCrl().map(PublishedCrl::crlNumber).orElse(0L);

        IssuedCertificate revoked = ca.revoke(issued.serialHex(), RevocationReason.KEY_COMPROMISE);
        assertEquals(CertificateStatus.REVOKED, revoked.status());
        PublishedCrl crl = ca.currentCrl().orElseThrow();
        assertTrue(crl.crlNumber() > before, "CRL number must increase");
        X509CRLHolder holder = new X509CRLHolder(crl.der());
        assertEquals(BigInteger.valueOf(crl.crlNumber()), CRLNumber.getInstance(
                holder.getExtension(Extension.cRLNumber).getParsedValue()).getCRLNumber());
        assertTrue(holder.getRevokedCertificate(issued.serial()) != null);
        RevocationStatus status = ca.revocationStatus(ca.deviceCaCertificate().getSubjectX500Principal()
                .getName(), issued.serial());
        assertEquals(RevocationStatus.State.REVOKED, status.state());
        assertEquals(RevocationReason.KEY_COMPROMISE, status.reason());

        long crlsBefore = fixtures.publishedCrls();
        PkiException.AlreadyRevoked twice = assertThrows(PkiException.AlreadyRevoked.class,
                () -> ca.revoke(issued.serialHex(), RevocationReason.SUPERSEDED));
        assertEquals("already-revoked", twice.type());
        assertEquals(RevocationReason.KEY_COMPROMISE, ca.findBySerial(issued.serialHex()).orElseThrow()
                .revocationReason(), "a refused revocation changes nothing");
        assertEquals(crl.crlNumber(), ca.currentCrl().orElseThrow().crlNumber(), "no CRL for a refusal");
        assertEquals(crlsBefore, fixtures.publishedCrls());

        assertEquals("serial-unknown", assertThrows(PkiException.UnknownSerial.class,
                () -> ca.revoke("7fffffffffffffffffffffff", RevocationReason.UNSPECIFIED)).type());
        assertEquals("serial-unknown", assertThrows(PkiException.UnknownSerial.class,
                () -> ca.revoke("not-hex", RevocationReason.UNSPECIFIED)).type());
        assertEquals("reason-unsupported", assertThrows(PkiException.UnsupportedReason.class,
                () -> ca.revoke(issued.serialHex(), null)).type());
        assertEquals(RevocationStatus.State.UNKNOWN, ca.revocationStatus("CN=Someone Else", issued.serial()).state());
    }

    @Test
    void bulkRevocationRevokesWhatItCanAndPublishesOneCrl() throws Exception {
        List<IssuedCertificate> issued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String device = activeDevice();
            issued.add(ca.issue(device, Openssl.csr(device, "ec", "ec_paramgen_curve:P-256").pem()));
        }
        ca.revoke(issued.get(2).serialHex(), RevocationReason.UNSPECIFIED);
        long crlBefore = ca.currentCrl().orElseThrow().crlNumber();

        BulkRevocation bulk = ca.revokeAll(List.of(issued.get(0).serialHex(), "7fffffffffffffffffffffff",
                issued.get(1).serialHex(), issued.get(2).serialHex(), issued.get(0).serialHex()),
                RevocationReason.KEY_COMPROMISE);

        assertEquals(List.of(issued.get(0).serialHex(), issued.get(1).serialHex()),
                bulk.revoked().stream().map(IssuedCertificate::serialHex).toList());
        assertEquals(List.of("serial-unknown", "already-revoked", "serial-duplicate"),
                bulk.refused().stream().map(BulkRevocation.Refusal::type).toList());
        assertEquals(crlBefore + 1, bulk.crlNumber().orElseThrow(), "one CRL for the whole bulk");
        assertEquals(crlBefore + 1, ca.currentCrl().orElseThrow().crlNumber());
        X509CRLHolder crl = new X509CRLHolder(ca.currentCrl().orElseThrow().der());
        for (IssuedCertificate certificate : issued) {
            assertTrue(crl.getRevokedCertificate(certificate.serial()) != null, certificate.serialHex());
        }
        assertEquals(RevocationReason.UNSPECIFIED, ca.findBySerial(issued.get(2).serialHex()).orElseThrow()
                .revocationReason(), "a refused serial keeps its first revocation");

        BulkRevocation none = ca.revokeAll(List.of(issued.get(0).serialHex()), RevocationReason.SUPERSEDED);
        assertTrue(none.revoked().isEmpty() && none.crlNumber().isEmpty(), "nothing revoked, no CRL");
        assertEquals(crlBefore + 1, ca.currentCrl().orElseThrow().crlNumber());
        assertEquals("bulk-size-invalid", assertThrows(PkiException.class, () -> ca.revokeAll(List.of(),
                RevocationReason.UNSPECIFIED)).type());
        List<String> tooMany = java.util.Collections.nCopies(CertificateAuthority.MAX_BULK_REVOCATIONS + 1,
                issued.get(0).serialHex());
        assertEquals("bulk-size-invalid", assertThrows(PkiException.class,
                () -> ca.revokeAll(tooMany, RevocationReason.UNSPECIFIED)).type());
    }

    @Test
    void crlNumbersStrictlyIncreaseAndTheFileFollows() throws Exception {
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            numbers.add(ca.publishCrl().crlNumber());
        }
        assertTrue(numbers.get(0) < numbers.get(1) && numbers.get(1) < numbers.get(2), numbers.toString());
        PublishedCrl latest = ca.currentCrl().orElseThrow();
        assertEquals(numbers.get(2), latest.crlNumber());
        Path file = Path.of(System.getenv("DEVICETRUST_DATA_DIR"), "pki", "crl", "device-ca.crl");
        byte[] fromFile = Pem.decode(Files.readString(file), Pem.X509_CRL);
        assertArrayEquals(latest.der(), fromFile);
    }

    @Test
    void opensslVerifiesIssuedCertificateAndRejectsRevokedOneWithCrlCheck() throws Exception {
        String goodDevice = activeDevice();
        String lostDevice = activeDevice();
        IssuedCertificate good = ca.issue(goodDevice, Openssl.csr(goodDevice, "ec", "ec_paramgen_curve:P-256")
                .pem());
        IssuedCertificate lost = ca.issue(lostDevice, Openssl.csr(lostDevice, "rsa", "rsa_keygen_bits:2048")
                .pem());
        ca.revoke(lost.serialHex(), RevocationReason.CESSATION_OF_OPERATION);

        Path dir = Files.createTempDirectory("devicetrust-it");
        Path chain = Files.writeString(dir.resolve("chain.pem"), Pem.certificates(ca.caChain()));
        Path crl = Files.writeString(dir.resolve("crl.pem"), ca.currentCrlPem().orElseThrow());
        Path goodPem = Files.writeString(dir.resolve("good.pem"), good.pem());
        Path lostPem = Files.writeString(dir.resolve("lost.pem"), lost.pem());

        Openssl.Result ok = Openssl.run("verify", "-CAfile", chain.toString(), "-crl_check", "-CRLfile",
                crl.toString(), goodPem.toString());
        assertEquals(0, ok.code(), ok.output());
        Openssl.Result refused = Openssl.run("verify", "-CAfile", chain.toString(), "-crl_check", "-CRLfile",
                crl.toString(), lostPem.toString());
        assertNotEquals(0, refused.code(), refused.output());
        assertTrue(refused.output().contains("certificate revoked"), refused.output());
        Openssl.Result crlOk = Openssl.run("crl", "-in", crl.toString(), "-CAfile", chain.toString(), "-verify",
                "-noout");
        assertEquals(0, crlOk.code(), crlOk.output());
        assertTrue(crlOk.output().contains("verify OK"), crlOk.output());
    }
}
