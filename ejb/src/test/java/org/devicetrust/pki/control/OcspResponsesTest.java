package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.Test;

/** Reading OCSP requests within the limits and building signed responses that say what the database says. */
class OcspResponsesTest {

    private final TestPki pki = new TestPki();
    private final OcspResponses responses = new OcspResponses(pki.deviceCa.certificate(), TestPki.BC);
    private final CaCredential signer = new OcspSignerCertificates(TestPki.BC, TestPki.RANDOM, TestPki.CLOCK)
            .issue(pki.deviceCa, Duration.ofHours(48));
    private final Instant now = TestPki.NOW;

    private X509Certificate device(String id) {
        KeyPair keys = TestPki.ec("secp256r1");
        return pki.factory.device(
                pki.deviceCa,
                new DeviceId(id),
                keys.getPublic(),
                Duration.ofDays(30),
                URI.create("http://localhost:8080/pki/crl/device-ca.crl"));
    }

    private static CertificateID id(AlgorithmIdentifier hash, X509Certificate issuer, BigInteger serial)
            throws Exception {
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
        return new CertificateID(digests.get(hash), new X509CertificateHolder(issuer.getEncoded()), serial);
    }

    private static CertificateID sha1(X509Certificate issuer, BigInteger serial) throws Exception {
        return id(CertificateID.HASH_SHA1, issuer, serial);
    }

    private static byte[] request(byte[] nonce, CertificateID... ids) throws Exception {
        OCSPReqBuilder builder = new OCSPReqBuilder();
        for (CertificateID id : ids) {
            builder.addRequest(id);
        }
        if (nonce != null) {
            builder.setRequestExtensions(new Extensions(new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(nonce)))));
        }
        return builder.build().getEncoded();
    }

    @Test
    void recognisesTheDeviceCaBySha1AndSha256HashesAndAForeignIssuerByNeither() throws Exception {
        X509Certificate cert = device("sensor-1");
        TestPki foreign = new TestPki();
        OcspResponses.Request parsed = responses.parse(request(
                null,
                sha1(pki.deviceCa.certificate(), cert.getSerialNumber()),
                id(
                        new AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256),
                        pki.deviceCa.certificate(),
                        cert.getSerialNumber()),
                sha1(foreign.deviceCa.certificate(), cert.getSerialNumber())));
        assertEquals(
                List.of(true, true, false),
                parsed.queries().stream().map(OcspResponses.Query::ourIssuer).toList());
        assertEquals(cert.getSerialNumber(), parsed.queries().get(0).serial());
        assertFalse(parsed.hasNonce());
        assertEquals(
                BigInteger.valueOf(4242),
                responses
                        .parse(request(null, sha1(pki.deviceCa.certificate(), BigInteger.valueOf(4242))))
                        .queries()
                        .get(0)
                        .serial());
    }

    @Test
    void malformedRequestsAreRefusedBeforeAnyLookup() throws Exception {
        X509Certificate cert = device("sensor-2");
        CertificateID one = sha1(pki.deviceCa.certificate(), cert.getSerialNumber());
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse(new byte[0]));
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse(new byte[] {0x30, 0x03, 1, 2, 3}));
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse("not der".getBytes()));
        byte[] valid = request(null, one);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 1);
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse(truncated));
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 2);
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse(trailing));
        assertThrows(
                OcspResponses.MalformedRequest.class,
                () -> responses.parse(new byte[OcspResponses.MAX_REQUEST_BYTES + 1]));
        CertificateID[] tooMany = new CertificateID[OcspResponses.MAX_CERTIFICATES_PER_REQUEST + 1];
        java.util.Arrays.fill(tooMany, one);
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse(request(null, tooMany)));
        CertificateID[] enough = new CertificateID[OcspResponses.MAX_CERTIFICATES_PER_REQUEST];
        java.util.Arrays.fill(enough, one);
        assertEquals(
                OcspResponses.MAX_CERTIFICATES_PER_REQUEST,
                responses.parse(request(null, enough)).queries().size());
        assertThrows(OcspResponses.MalformedRequest.class, () -> responses.parse(request(new byte[33], one)));
        assertThrows(
                OcspResponses.UnsupportedHash.class,
                () -> responses.parse(request(
                        null,
                        id(
                                new AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha512),
                                pki.deviceCa.certificate(),
                                cert.getSerialNumber()))));
    }

    @Test
    void responseSaysGoodRevokedAndUnknownSignedByTheDelegatedSignerAndEchoesTheNonce() throws Exception {
        X509Certificate good = device("sensor-3");
        X509Certificate revoked = device("sensor-4");
        byte[] nonce = new byte[16];
        TestPki.RANDOM.nextBytes(nonce);
        OcspResponses.Request parsed = responses.parse(request(
                nonce,
                sha1(pki.deviceCa.certificate(), good.getSerialNumber()),
                sha1(pki.deviceCa.certificate(), revoked.getSerialNumber()),
                sha1(pki.deviceCa.certificate(), BigInteger.valueOf(12345))));
        Instant revokedAt = now.minusSeconds(90);
        List<OcspResponses.Answer> answers = new ArrayList<>();
        answers.add(OcspResponses.Answer.good(parsed.queries().get(0)));
        answers.add(OcspResponses.Answer.revoked(parsed.queries().get(1), revokedAt, CRLReason.keyCompromise));
        answers.add(OcspResponses.Answer.unknown(parsed.queries().get(2)));
        Instant nextUpdate = now.plus(Duration.ofMinutes(10));
        byte[] der = responses.sign(signer, answers, parsed.nonce(), now, now, nextUpdate);

        OCSPResp response = OcspResponses.parsed(der);
        assertEquals(OCSPRespBuilder.SUCCESSFUL, response.getStatus());
        BasicOCSPResp basic = (BasicOCSPResp) response.getResponseObject();
        assertTrue(basic.isSignatureValid(
                new JcaContentVerifierProviderBuilder().setProvider(TestPki.BC).build(signer.publicKey())));
        assertFalse(basic.isSignatureValid(
                new JcaContentVerifierProviderBuilder().setProvider(TestPki.BC).build(pki.deviceCa.publicKey())));
        assertArrayEquals(signer.certificate().getEncoded(), basic.getCerts()[0].getEncoded());
        assertArrayEquals(pki.deviceCa.certificate().getEncoded(), basic.getCerts()[1].getEncoded(), "its issuer");
        assertEquals(2, basic.getCerts().length);
        assertEquals(now, basic.getProducedAt().toInstant());
        DEROctetString echoed = (DEROctetString) org.bouncycastle.asn1.ASN1Primitive.fromByteArray(
                basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce)
                        .getExtnValue()
                        .getOctets());
        assertArrayEquals(nonce, echoed.getOctets());

        SingleResp[] singles = basic.getResponses();
        assertEquals(3, singles.length);
        assertEquals(parsed.queries().get(0).id(), singles[0].getCertID());
        assertNull(singles[0].getCertStatus(), "good");
        RevokedStatus status = assertInstanceOf(RevokedStatus.class, singles[1].getCertStatus());
        assertEquals(revokedAt, status.getRevocationTime().toInstant());
        assertEquals(CRLReason.keyCompromise, status.getRevocationReason());
        assertInstanceOf(UnknownStatus.class, singles[2].getCertStatus());
        assertEquals(now, singles[0].getThisUpdate().toInstant());
        assertEquals(nextUpdate, singles[0].getNextUpdate().toInstant());
    }

    @Test
    void withoutNonceTheResponseHasNoExtensionAndAnUnspecifiedReasonIsLeftOut() throws Exception {
        X509Certificate revoked = device("sensor-5");
        OcspResponses.Request parsed =
                responses.parse(request(null, sha1(pki.deviceCa.certificate(), revoked.getSerialNumber())));
        byte[] der = responses.sign(
                signer,
                List.of(OcspResponses.Answer.revoked(
                        parsed.queries().get(0), now, OcspResponses.reasonCodeForResponse(CRLReason.unspecified))),
                null,
                now,
                now,
                now.plusSeconds(600));
        BasicOCSPResp basic = (BasicOCSPResp) OcspResponses.parsed(der).getResponseObject();
        assertNull(basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce));
        RevokedStatus status = (RevokedStatus) basic.getResponses()[0].getCertStatus();
        assertFalse(status.hasRevocationReason());
    }

    @Test
    void aSignerWhoseKeyDoesNotMatchItsCertificateIsCaughtByTheSelfCheck() throws Exception {
        X509Certificate cert = device("sensor-6");
        OcspResponses.Request parsed =
                responses.parse(request(null, sha1(pki.deviceCa.certificate(), cert.getSerialNumber())));
        CaCredential mismatched =
                new CaCredential(signer.certificate(), TestPki.ec("secp256r1").getPrivate(), signer.chain());
        assertThrows(
                IllegalStateException.class,
                () -> responses.sign(
                        mismatched,
                        List.of(OcspResponses.Answer.good(parsed.queries().get(0))),
                        null,
                        now,
                        now,
                        now.plusSeconds(60)));
    }

    @Test
    void errorResponsesCarryOnlyTheirStatus() {
        assertEquals(
                OCSPRespBuilder.MALFORMED_REQUEST,
                OcspResponses.parsed(OcspResponses.error(OCSPRespBuilder.MALFORMED_REQUEST))
                        .getStatus());
        assertEquals(
                OCSPRespBuilder.UNAUTHORIZED,
                OcspResponses.parsed(OcspResponses.error(OCSPRespBuilder.UNAUTHORIZED))
                        .getStatus());
        assertThrows(IllegalArgumentException.class, () -> OcspResponses.error(OCSPRespBuilder.SUCCESSFUL));
    }
}
