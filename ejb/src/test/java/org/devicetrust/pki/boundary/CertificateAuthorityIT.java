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
import org.devicetrust.audit.boundary.AuditCounters;
import org.devicetrust.audit.entity.AuditAction;
import org.devicetrust.audit.entity.AuditOutcome;
import org.devicetrust.device.boundary.DeviceCertificates;
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

/**
 * The certificate authority inside Payara Micro, against PostgreSQL: issuance (through the device registry's
 * rule, as administrators issue), revocation, CRL publication and the read queries.
 */
@ExtendWith(ArquillianExtension.class)
class CertificateAuthorityIT {

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create();
    }

    @Inject
    DeviceCertificates deviceCertificates;

    @Inject
    CertificateRevocation revocation;

    @Inject
    CrlPublisher crlPublisher;

    @Inject
    CertificateQueries certificates;

    @Inject
    ItFixtures fixtures;

    @Inject
    AuditCounters auditCounters;

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
        IssuedCertificate issued = deviceCertificates.issue(device, csr.pem());

        X509Certificate certificate = issued.certificate();
        certificate.verify(certificates.deviceCaCertificate().getPublicKey());
        assertEquals("CN=" + device, certificate.getSubjectX500Principal().getName());
        assertEquals(
                certificates.deviceCaCertificate().getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(CertificateStatus.ISSUED, issued.status());
        assertEquals("EC P-256", issued.keyDescription());
        assertEquals(ItAuthentication.CALLER, issued.issuedBy());
        assertEquals(1, fixtures.certificatesOf(device));
        assertEquals(
                issued.serialHex(),
                certificates.findBySerial(issued.serialHex()).orElseThrow().serialHex());
        assertEquals(
                List.of(issued.serialHex()),
                certificates.certificatesOf(device).stream()
                        .map(IssuedCertificate::serialHex)
                        .toList());
        assertEquals(
                RevocationStatus.State.GOOD,
                certificates
                        .revocationStatus(certificate.getIssuerX500Principal(), certificate.getSerialNumber())
                        .state());
        assertTrue(certificates.countByStatus().get(CertificateStatus.ISSUED) >= 1);
        assertTrue(certificates.countExpiringWithin(400) >= 1);
        assertTrue(fixtures.auditRecordsAbout(device).stream()
                .anyMatch(r -> "CERTIFICATE_ISSUED".equals(r[2])
                        && "SUCCESS".equals(r[1])
                        && ItAuthentication.CALLER.equals(r[4])));
    }

    @Test
    void refusalsHaveTheirTypeLeaveNothingBehindAndAreAudited() throws Exception {
        String suspended = newDeviceId("it-suspended");
        fixtures.registerDevice(suspended, DeviceStatus.SUSPENDED);
        byte[] csr = Openssl.csr(suspended, "ec", "ec_paramgen_curve:P-256").pem();
        assertEquals(
                "device-not-active",
                assertThrows(PkiException.DeviceNotActive.class, () -> deviceCertificates.issue(suspended, csr))
                        .type());
        assertEquals(0, fixtures.certificatesOf(suspended));
        assertTrue(fixtures.auditRecordsAbout(suspended).stream()
                .anyMatch(r -> "FAILURE".equals(r[1]) && r[3].startsWith("device-not-active")));

        String unknown = newDeviceId("it-unknown");
        assertEquals(
                "device-unknown",
                assertThrows(PkiException.UnknownDevice.class, () -> deviceCertificates.issue(unknown, csr))
                        .type());

        String device = activeDevice();
        assertEquals(
                "csr-malformed",
                assertThrows(
                                PkiException.InvalidCsr.class,
                                () -> deviceCertificates.issue(device, "garbage".getBytes(StandardCharsets.US_ASCII)))
                        .type());
        assertEquals(
                "key-unsupported",
                assertThrows(
                                PkiException.InvalidCsr.class,
                                () -> deviceCertificates.issue(
                                        device,
                                        Openssl.csr(device, "ec", "ec_paramgen_curve:secp256k1")
                                                .pem()))
                        .type());
        assertEquals(
                "key-unsupported",
                assertThrows(
                                PkiException.InvalidCsr.class,
                                () -> deviceCertificates.issue(
                                        device,
                                        Openssl.csr(device, "rsa", "rsa_keygen_bits:1024")
                                                .pem()))
                        .type());
        assertEquals(0, fixtures.certificatesOf(device));
    }

    @Test
    void revokePublishesADeltaCrlOnTheFullOneAndSecondRevokeIsRefused() throws Exception {
        String device = activeDevice();
        IssuedCertificate issued = deviceCertificates.issue(
                device, Openssl.csr(device, "ec", "ec_paramgen_curve:P-384").pem());
        PublishedCrl full = certificates.currentCrl().orElseGet(() -> crlPublisher.publishCrl());
        long before = Math.max(
                full.crlNumber(),
                certificates.currentDeltaCrl().map(PublishedCrl::crlNumber).orElse(0L));

        IssuedCertificate revoked = revocation.revoke(issued.serialHex(), RevocationReason.KEY_COMPROMISE);
        assertEquals(CertificateStatus.REVOKED, revoked.status());
        assertEquals(full.crlNumber(), certificates.currentCrl().orElseThrow().crlNumber(), "full CRL on schedule");
        PublishedCrl crl = certificates.currentDeltaCrl().orElseThrow();
        assertTrue(crl.crlNumber() > before, "CRL number must increase, shared by full and delta CRLs");
        assertEquals(full.crlNumber(), crl.baseCrlNumber().orElseThrow());
        X509CRLHolder holder = new X509CRLHolder(crl.der());
        assertEquals(
                BigInteger.valueOf(full.crlNumber()),
                CRLNumber.getInstance(
                                holder.getExtension(Extension.deltaCRLIndicator).getParsedValue())
                        .getCRLNumber());
        assertTrue(holder.getExtension(Extension.deltaCRLIndicator).isCritical());
        assertEquals(
                BigInteger.valueOf(crl.crlNumber()),
                CRLNumber.getInstance(holder.getExtension(Extension.cRLNumber).getParsedValue())
                        .getCRLNumber());
        assertTrue(holder.getRevokedCertificate(issued.serial()) != null);
        RevocationStatus status = certificates.revocationStatus(
                certificates.deviceCaCertificate().getSubjectX500Principal().getName(), issued.serial());
        assertEquals(RevocationStatus.State.REVOKED, status.state());
        assertEquals(RevocationReason.KEY_COMPROMISE, status.reason());

        long crlsBefore = fixtures.publishedCrls();
        PkiException.AlreadyRevoked twice = assertThrows(
                PkiException.AlreadyRevoked.class,
                () -> revocation.revoke(issued.serialHex(), RevocationReason.SUPERSEDED));
        assertEquals("already-revoked", twice.type());
        assertEquals(
                RevocationReason.KEY_COMPROMISE,
                certificates.findBySerial(issued.serialHex()).orElseThrow().revocationReason(),
                "a refused revocation changes nothing");
        assertEquals(
                crl.crlNumber(), certificates.currentDeltaCrl().orElseThrow().crlNumber(), "no CRL for a refusal");
        assertEquals(crlsBefore, fixtures.publishedCrls());

        assertEquals(
                "serial-unknown",
                assertThrows(
                                PkiException.UnknownSerial.class,
                                () -> revocation.revoke("7fffffffffffffffffffffff", RevocationReason.UNSPECIFIED))
                        .type());
        assertEquals(
                "serial-unknown",
                assertThrows(
                                PkiException.UnknownSerial.class,
                                () -> revocation.revoke("not-hex", RevocationReason.UNSPECIFIED))
                        .type());
        assertEquals(
                "reason-unsupported",
                assertThrows(PkiException.UnsupportedReason.class, () -> revocation.revoke(issued.serialHex(), null))
                        .type());
        assertEquals(
                RevocationStatus.State.UNKNOWN,
                certificates
                        .revocationStatus("CN=Someone Else", issued.serial())
                        .state());
    }

    @Test
    void bulkRevocationRevokesWhatItCanAndPublishesOneCrl() throws Exception {
        List<IssuedCertificate> issued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String device = activeDevice();
            issued.add(deviceCertificates.issue(
                    device, Openssl.csr(device, "ec", "ec_paramgen_curve:P-256").pem()));
        }
        revocation.revoke(issued.get(2).serialHex(), RevocationReason.UNSPECIFIED);
        long crlBefore = certificates.currentDeltaCrl().orElseThrow().crlNumber();

        BulkRevocation bulk = revocation.revokeAll(
                List.of(
                        issued.get(0).serialHex(),
                        "7fffffffffffffffffffffff",
                        issued.get(1).serialHex(),
                        issued.get(2).serialHex(),
                        issued.get(0).serialHex()),
                RevocationReason.KEY_COMPROMISE);

        assertEquals(
                List.of(issued.get(0).serialHex(), issued.get(1).serialHex()),
                bulk.revoked().stream().map(IssuedCertificate::serialHex).toList());
        assertEquals(
                List.of("serial-unknown", "already-revoked", "serial-duplicate"),
                bulk.refused().stream().map(BulkRevocation.Refusal::type).toList());
        assertEquals(crlBefore + 1, bulk.crlNumber().orElseThrow(), "one delta CRL for the whole bulk");
        assertEquals(crlBefore + 1, certificates.currentDeltaCrl().orElseThrow().crlNumber());
        X509CRLHolder crl =
                new X509CRLHolder(certificates.currentDeltaCrl().orElseThrow().der());
        for (IssuedCertificate certificate : issued) {
            assertTrue(crl.getRevokedCertificate(certificate.serial()) != null, certificate.serialHex());
        }
        assertEquals(
                RevocationReason.UNSPECIFIED,
                certificates
                        .findBySerial(issued.get(2).serialHex())
                        .orElseThrow()
                        .revocationReason(),
                "a refused serial keeps its first revocation");

        BulkRevocation none = revocation.revokeAll(List.of(issued.get(0).serialHex()), RevocationReason.SUPERSEDED);
        assertTrue(none.revoked().isEmpty() && none.crlNumber().isEmpty(), "nothing revoked, no CRL");
        assertEquals(crlBefore + 1, certificates.currentDeltaCrl().orElseThrow().crlNumber());
        assertEquals(
                "bulk-size-invalid",
                assertThrows(PkiException.class, () -> revocation.revokeAll(List.of(), RevocationReason.UNSPECIFIED))
                        .type());
        List<String> tooMany = java.util.Collections.nCopies(
                CertificateRevocation.MAX_BULK_REVOCATIONS + 1, issued.get(0).serialHex());
        assertEquals(
                "bulk-size-invalid",
                assertThrows(PkiException.class, () -> revocation.revokeAll(tooMany, RevocationReason.UNSPECIFIED))
                        .type());
    }

    @Test
    void theIssuanceRecordCommitsWithTheCertificateOrNeitherDoes() throws Exception {
        long issuedBefore = auditCounters.count(AuditAction.CERTIFICATE_ISSUED, AuditOutcome.SUCCESS);
        String kept = activeDevice();
        String serial = fixtures.issueThenRecord(
                deviceCertificates,
                kept,
                Openssl.csr(kept, "ec", "ec_paramgen_curve:P-256").pem(),
                false);
        assertEquals(1, fixtures.certificatesOf(kept));
        List<String[]> records = fixtures.auditRecordsAbout(kept);
        assertEquals(2, records.size(), "the issuance and the record asked for after it");
        assertEquals("CERTIFICATE_ISSUED", records.get(0)[2]);
        assertEquals("SUCCESS", records.get(0)[1]);
        assertTrue(records.get(0)[3].contains(serial), records.get(0)[3]);
        assertEquals("DEVICE_REGISTERED", records.get(1)[2]);

        String rolledBack = activeDevice();
        byte[] csr = Openssl.csr(rolledBack, "ec", "ec_paramgen_curve:P-256").pem();
        assertThrows(
                ItFixtures.Rollback.class, () -> fixtures.issueThenRecord(deviceCertificates, rolledBack, csr, true));
        assertEquals(0, fixtures.certificatesOf(rolledBack));
        List<String[]> after = fixtures.auditRecordsAbout(rolledBack);
        assertTrue(
                after.stream().noneMatch(r -> "CERTIFICATE_ISSUED".equals(r[2])),
                "no record of a certificate that does not exist");
        assertEquals(1, after.size(), "the failure asked for in the transaction survives its rollback");
        assertEquals("FAILURE", after.get(0)[1]);
        assertEquals(
                issuedBefore + 1,
                auditCounters.count(AuditAction.CERTIFICATE_ISSUED, AuditOutcome.SUCCESS),
                "the operator's counter saw the committed issuance only");

        // the thread holds no chain head any more: its next record is written at once
        deviceCertificates.issue(rolledBack, csr);
        assertEquals(1, fixtures.certificatesOf(rolledBack));
        assertEquals(issuedBefore + 2, auditCounters.count(AuditAction.CERTIFICATE_ISSUED, AuditOutcome.SUCCESS));
    }

    @Test
    void issuesABatchInOneTransactionAndAnswersEachRequest() throws Exception {
        String first = activeDevice();
        String second = activeDevice();
        String suspended = newDeviceId("it");
        fixtures.registerDevice(suspended, DeviceStatus.SUSPENDED);
        List<DeviceCertificates.BatchItem> items = List.of(
                new DeviceCertificates.BatchItem(
                        first,
                        Openssl.csr(first, "ec", "ec_paramgen_curve:P-256").pem()),
                new DeviceCertificates.BatchItem("no-such-device-" + UUID.randomUUID(), new byte[0]),
                new DeviceCertificates.BatchItem(second, "garbage".getBytes(StandardCharsets.US_ASCII)),
                new DeviceCertificates.BatchItem(
                        suspended,
                        Openssl.csr(suspended, "ec", "ec_paramgen_curve:P-256").pem()),
                new DeviceCertificates.BatchItem(
                        second,
                        Openssl.csr(second, "ec", "ec_paramgen_curve:P-384").pem()));
        List<CertificateIssuance.BatchResult> results = deviceCertificates.issueAll(items);

        assertEquals(5, results.size());
        assertEquals(first, results.get(0).subject());
        results.get(0)
                .issued()
                .certificate()
                .verify(certificates.deviceCaCertificate().getPublicKey());
        assertEquals("device-unknown", results.get(1).refusal().type());
        assertEquals("csr-malformed", results.get(2).refusal().type());
        assertEquals("device-not-active", results.get(3).refusal().type());
        results.get(4)
                .issued()
                .certificate()
                .verify(certificates.deviceCaCertificate().getPublicKey());
        assertEquals("EC P-384", results.get(4).issued().keyDescription());
        assertEquals(1, fixtures.certificatesOf(first));
        assertEquals(1, fixtures.certificatesOf(second));
        assertEquals(0, fixtures.certificatesOf(suspended));
        assertTrue(
                certificates.findBySerial(results.get(4).issued().serialHex()).isPresent());
        List<String[]> secondRecords = fixtures.auditRecordsAbout(second);
        assertEquals(
                List.of("FAILURE", "SUCCESS"),
                secondRecords.stream().map(r -> r[1]).toList());
        assertTrue(fixtures.auditRecordsAbout(suspended).get(0)[3].startsWith("device-not-active"));

        assertEquals(
                "batch-size-invalid",
                assertThrows(PkiException.class, () -> deviceCertificates.issueAll(List.of()))
                        .type());
        List<DeviceCertificates.BatchItem> tooMany = new ArrayList<>();
        for (int i = 0; i <= CertificateIssuance.MAX_BATCH; i++) {
            tooMany.add(new DeviceCertificates.BatchItem(first, new byte[0]));
        }
        assertEquals(
                "batch-size-invalid",
                assertThrows(PkiException.class, () -> deviceCertificates.issueAll(tooMany))
                        .type());
    }

    @Test
    void crlNumbersStrictlyIncreaseAndTheFileFollows() throws Exception {
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            numbers.add(crlPublisher.publishCrl().crlNumber());
            PublishedCrl delta = certificates.currentDeltaCrl().orElseThrow();
            assertEquals(numbers.get(numbers.size() - 1), delta.baseCrlNumber().orElseThrow(), "a delta on each full");
            numbers.add(delta.crlNumber());
        }
        for (int i = 1; i < numbers.size(); i++) {
            assertTrue(numbers.get(i - 1) < numbers.get(i), "one strictly increasing sequence: " + numbers);
        }
        PublishedCrl latest = certificates.currentCrl().orElseThrow();
        assertEquals(numbers.get(4), latest.crlNumber());
        Path file = Path.of(System.getenv("DEVICETRUST_DATA_DIR"), "pki", "crl", "device-ca.crl");
        byte[] fromFile = Pem.decode(Files.readString(file), Pem.X509_CRL);
        assertArrayEquals(latest.der(), fromFile);
    }

    @Test
    void opensslVerifiesIssuedCertificateAndRejectsRevokedOneWithCrlCheck() throws Exception {
        String goodDevice = activeDevice();
        String lostDevice = activeDevice();
        IssuedCertificate good = deviceCertificates.issue(
                goodDevice,
                Openssl.csr(goodDevice, "ec", "ec_paramgen_curve:P-256").pem());
        IssuedCertificate lost = deviceCertificates.issue(
                lostDevice,
                Openssl.csr(lostDevice, "rsa", "rsa_keygen_bits:2048").pem());
        revocation.revoke(lost.serialHex(), RevocationReason.CESSATION_OF_OPERATION);

        Path dir = Files.createTempDirectory("devicetrust-it");
        Path chain = Files.writeString(dir.resolve("chain.pem"), Pem.certificates(certificates.caChain()));
        Path crl = Files.writeString(
                dir.resolve("crl.pem"), certificates.currentCrlPem().orElseThrow());
        Path delta = Files.writeString(
                dir.resolve("delta.pem"),
                CertificateQueries.pem(certificates.currentDeltaCrl().orElseThrow()));
        Path goodPem = Files.writeString(dir.resolve("good.pem"), good.pem());
        Path lostPem = Files.writeString(dir.resolve("lost.pem"), lost.pem());

        Openssl.Result ok = Openssl.run(
                "verify", "-CAfile", chain.toString(), "-crl_check", "-CRLfile", crl.toString(), goodPem.toString());
        assertEquals(0, ok.code(), ok.output());
        Openssl.Result refused = Openssl.run(
                "verify",
                "-CAfile",
                chain.toString(),
                "-crl_check",
                "-use_deltas",
                "-CRLfile",
                crl.toString(),
                "-CRLfile",
                delta.toString(),
                lostPem.toString());
        assertNotEquals(0, refused.code(), refused.output());
        assertTrue(refused.output().contains("certificate revoked"), refused.output());
        Openssl.Result crlOk =
                Openssl.run("crl", "-in", crl.toString(), "-CAfile", chain.toString(), "-verify", "-noout");
        assertEquals(0, crlOk.code(), crlOk.output());
        assertTrue(crlOk.output().contains("verify OK"), crlOk.output());
    }
}
