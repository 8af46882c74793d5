package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.Provider;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.conscrypt.OpenSSLProvider;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With Conscrypt installed, as the server runs: certificates, CRLs and OCSP responses are signed and
 * self-checked by Conscrypt for keys in memory, and BouncyCastle, which knows nothing of that, verifies them;
 * a CSR's proof of possession is checked the same way and a forged one is still refused.
 */
class SignaturesTest {

    private static final URI CRL_URL = URI.create("http://localhost:8080/pki/crl/device-ca.crl");
    private static Provider conscrypt;
    private final TestPki pki = new TestPki();

    @BeforeAll
    static void installConscrypt() {
        conscrypt = new OpenSSLProvider();
        Security.addProvider(conscrypt);
    }

    @AfterAll
    static void removeConscrypt() {
        Security.removeProvider(conscrypt.getName());
    }

    @Test
    void softwareKeysOfBouncyCastleGoToConscryptAndNothingElseDoes() {
        KeyPair ec = TestPki.ec("secp256r1");
        assertTrue(Signatures.conscryptInstalled());
        assertEquals("Conscrypt", Signatures.forKey(ec.getPrivate(), TestPki.BC).getName());
        assertEquals(
                "Conscrypt",
                Signatures.forKey(TestPki.rsa(2048).getPublic(), TestPki.BC).getName());
        Provider token = Security.getProvider("SunPKCS11");
        if (token != null) {
            assertSame(token, Signatures.forKey(ec.getPrivate(), token));
        }
        Provider sunEc = Security.getProvider("SunEC");
        assertSame(sunEc, Signatures.forKey(ec.getPrivate(), sunEc));
        assertSame(
                TestPki.BC, Signatures.forKey(TestPki.keyPair("Ed25519", null).getPublic(), TestPki.BC));
        assertEquals("Conscrypt", pki.deviceCa.signingProvider(TestPki.BC).getName());
    }

    @Test
    void whatConscryptSignsBouncyCastleVerifies() throws Exception {
        KeyPair device = TestPki.ec("secp256r1");
        X509Certificate certificate = pki.factory.device(
                pki.deviceCa, new DeviceId("sensor-fast"), device.getPublic(), Duration.ofDays(30), CRL_URL);
        certificate.verify(pki.deviceCa.publicKey(), TestPki.BC);

        CrlFactory.SignedCrl crl = new CrlFactory(TestPki.BC)
                .create(
                        pki.deviceCa,
                        BigInteger.TEN,
                        TestPki.NOW,
                        TestPki.NOW.plus(Duration.ofHours(1)),
                        List.of(new CrlFactory.RevokedEntry(certificate.getSerialNumber(), TestPki.NOW, 1)));
        assertTrue(new X509CRLHolder(crl.der())
                .isSignatureValid(new JcaContentVerifierProviderBuilder()
                        .setProvider(TestPki.BC)
                        .build(pki.deviceCa.publicKey())));
    }

    @Test
    void aCsrsProofOfPossessionIsCheckedAndAForgedOneRefused() {
        KeyPair device = TestPki.ec("secp256r1");
        CsrValidator validator = new CsrValidator(TestPki.BC);
        assertArrayEquals(
                device.getPublic().getEncoded(),
                validator.validate(TestPki.csr(device)).publicKey().getEncoded());

        KeyPair other = TestPki.ec("secp256r1");
        byte[] forged = TestPki.csr(device, other.getPrivate(), "SHA256withECDSA");
        CsrRejectedException refused = assertThrows(CsrRejectedException.class, () -> validator.validate(forged));
        assertEquals(CsrRejectedException.Problem.SIGNATURE_INVALID, refused.problem());
    }
}
