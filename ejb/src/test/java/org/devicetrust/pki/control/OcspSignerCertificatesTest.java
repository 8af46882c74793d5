package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;

/** The delegated OCSP signer's profile and its renewal point. */
class OcspSignerCertificatesTest {

    private final TestPki pki = new TestPki();
    private final OcspSignerCertificates signers =
            new OcspSignerCertificates(TestPki.BC, TestPki.RANDOM, TestPki.CLOCK);

    @Test
    void signerIsAnOcspSigningEndEntityWithNoCheckIssuedByTheDeviceCa() throws Exception {
        CaCredential signer = signers.issue(pki.deviceCa, Duration.ofHours(48));
        X509Certificate certificate = signer.certificate();
        certificate.verify(pki.deviceCa.publicKey(), TestPki.BC);
        assertEquals(List.of(KeyPurposeId.id_kp_OCSPSigning.getId()), certificate.getExtendedKeyUsage());
        assertEquals(-1, certificate.getBasicConstraints());
        assertTrue(certificate.getKeyUsage()[0], "digitalSignature");
        X509CertificateHolder holder = new X509CertificateHolder(certificate.getEncoded());
        assertNotNull(holder.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck));
        assertNotNull(holder.getExtension(Extension.authorityKeyIdentifier));
        assertEquals(
                Duration.ofHours(48).plusMinutes(5),
                Duration.between(
                        certificate.getNotBefore().toInstant(),
                        certificate.getNotAfter().toInstant()));
        assertEquals(List.of(certificate, pki.deviceCa.certificate(), pki.root.certificate()), signer.chain());
        assertTrue(OcspSignerCertificates.isOcspSignerOf(certificate, pki.deviceCa.certificate(), TestPki.BC));
        assertFalse(OcspSignerCertificates.isOcspSignerOf(
                pki.deviceCa.certificate(), pki.deviceCa.certificate(), TestPki.BC));
    }

    @Test
    void renewalIsDueOnceHalfTheValidityHasPassed() {
        X509Certificate certificate =
                signers.issue(pki.deviceCa, Duration.ofHours(48)).certificate();
        java.time.Instant notBefore = certificate.getNotBefore().toInstant();
        java.time.Instant half =
                notBefore.plus(Duration.ofHours(48).plusMinutes(5).dividedBy(2));
        assertFalse(OcspSignerCertificates.renewalDue(certificate, TestPki.NOW));
        assertFalse(OcspSignerCertificates.renewalDue(certificate, half.minusSeconds(1)));
        assertTrue(OcspSignerCertificates.renewalDue(certificate, half));
        assertTrue(OcspSignerCertificates.renewalDue(certificate, notBefore.minusSeconds(1)));
    }
}
