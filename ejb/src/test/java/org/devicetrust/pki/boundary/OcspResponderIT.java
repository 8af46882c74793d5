package org.devicetrust.pki.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.naming.InitialContext;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.devicetrust.device.boundary.DeviceCertificates;
import org.devicetrust.device.entity.DeviceStatus;
import org.devicetrust.it.ItDeployment;
import org.devicetrust.it.ItFixtures;
import org.devicetrust.pki.entity.IssuedCertificate;
import org.devicetrust.pki.entity.RevocationReason;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OCSP responder inside Payara Micro against PostgreSQL: answers from the database, signed by the delegated
 * signer, and its pre-produced responses never say good for a certificate once its revoke call has returned,
 * while readers hammer the same serials and two revokers revoke them concurrently.
 */
@ExtendWith(ArquillianExtension.class)
class OcspResponderIT {

    @Deployment
    static WebArchive deployment() {
        return ItDeployment.create();
    }

    @Inject
    DeviceCertificates deviceCertificates;

    @Inject
    CertificateRevocation revocation;

    @Inject
    CertificateQueries certificates;

    @Inject
    OcspResponder responder;

    @Inject
    ItFixtures fixtures;

    private IssuedCertificate issue() throws Exception {
        String device = "ocsp-" + UUID.randomUUID().toString().substring(0, 8);
        fixtures.registerDevice(device, DeviceStatus.ACTIVE);
        return deviceCertificates.issue(
                device, Openssl.csr(device, "ec", "ec_paramgen_curve:P-256").pem());
    }

    private byte[] request(BigInteger serial, boolean nonce) throws Exception {
        CertificateID id = new CertificateID(
                new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new X509CertificateHolder(certificates.deviceCaCertificate().getEncoded()),
                serial);
        OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(id);
        if (nonce) {
            builder.setRequestExtensions(new Extensions(new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                    false,
                    new DEROctetString(new DEROctetString(
                            UUID.randomUUID().toString().substring(0, 16).getBytes())))));
        }
        return builder.build().getEncoded();
    }

    /** "good", "revoked" or "unknown", after checking the signature against the delegated signer. */
    private String status(OcspResponder.Answer answer, X509Certificate signer) throws Exception {
        OCSPResp response = new OCSPResp(answer.der());
        assertEquals(0, response.getStatus(), "successful");
        BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
        assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer.getPublicKey())));
        Object status = basic.getResponses()[0].getCertStatus();
        return status == null ? "good" : status instanceof RevokedStatus ? "revoked" : "unknown";
    }

    @Test
    void answersFromTheDatabaseSignedByTheDelegatedSigner() throws Exception {
        X509Certificate signer = responder.signerCertificate().orElseThrow();
        signer.verify(certificates.deviceCaCertificate().getPublicKey());
        assertTrue(signer.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.9"));
        IssuedCertificate issued = issue();

        OcspResponder.Answer cached = responder.respond(request(issued.serial(), false));
        assertEquals("good", status(cached, signer));
        assertTrue(cached.cacheable());
        assertNotNull(cached.etag());
        OcspResponder.Answer nonced = responder.respond(request(issued.serial(), true));
        assertEquals("good", status(nonced, signer));
        assertFalse(nonced.cacheable());

        revocation.revoke(issued.serialHex(), RevocationReason.KEY_COMPROMISE);
        OcspResponder.Answer revoked = responder.respond(request(issued.serial(), false));
        assertEquals("revoked", status(revoked, signer));
        RevokedStatus detail = (RevokedStatus)
                ((BasicOCSPResp) new OCSPResp(revoked.der()).getResponseObject()).getResponses()[0].getCertStatus();
        assertEquals(1, detail.getRevocationReason());
        assertEquals(
                certificates.findBySerial(issued.serialHex()).orElseThrow().revokedAt(),
                detail.getRevocationTime().toInstant());

        assertEquals("unknown", status(responder.respond(request(BigInteger.valueOf(4242), false)), signer));
        assertEquals(1, new OCSPResp(responder.respond(new byte[] {1, 2, 3}).der()).getStatus(), "malformedRequest");
        assertTrue(responder.status().answers().get(OcspResponder.Outcome.MALFORMED_REQUEST) >= 1);
    }

    @Test
    void aRevokedSerialIsNeverAnsweredGoodAfterItsRevokeCallReturned() throws Exception {
        X509Certificate signer = responder.signerCertificate().orElseThrow();
        List<IssuedCertificate> issued = new ArrayList<>();
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            IssuedCertificate certificate = issue();
            issued.add(certificate);
            requests.add(request(certificate.serial(), false));
            assertEquals("good", status(responder.respond(requests.get(i)), signer), "warm the cache");
        }
        Set<Integer> returned = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService readers = Executors.newFixedThreadPool(4);
        ManagedExecutorService revokers =
                (ManagedExecutorService) new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
        try {
            List<Future<?>> reading = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                int offset = r;
                reading.add(readers.submit(() -> {
                    go.await();
                    int i = offset;
                    while (!done.get() && violation.get() == null) {
                        int index = i++ % requests.size();
                        boolean revokedBefore = returned.contains(index);
                        String status = status(responder.respond(requests.get(index)), signer);
                        answered.incrementAndGet();
                        if (revokedBefore && !"revoked".equals(status)) {
                            violation.compareAndSet(
                                    null,
                                    "serial " + issued.get(index).serialHex() + " " + status
                                            + " after its revoke call returned");
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> revoking = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int parity = t;
                revoking.add(revokers.submit(() -> {
                    go.await();
                    for (int index = parity; index < issued.size(); index += 2) {
                        revocation.revoke(issued.get(index).serialHex(), RevocationReason.KEY_COMPROMISE);
                        returned.add(index);
                        String status = status(responder.respond(requests.get(index)), signer);
                        if (!"revoked".equals(status)) {
                            violation.compareAndSet(null, "revoker saw " + status + " right after revoking");
                        }
                        Thread.sleep(20);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : revoking) {
                f.get(120, TimeUnit.SECONDS);
            }
            Thread.sleep(200);
            done.set(true);
            for (Future<?> f : reading) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
        }
        assertEquals(null, violation.get());
        assertTrue(answered.get() > issued.size() * 4, "the readers ran alongside: " + answered.get());
        for (byte[] request : requests) {
            assertEquals("revoked", status(responder.respond(request), signer));
        }
        assertTrue(responder.status().cacheHits() > 0, "pre-produced responses were served from the cache");
    }
}
