package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.Test;

class FactoryKeysTest {

    final TestPki pki = new TestPki();
    final FactoryKeys keys = new FactoryKeys(TestPki.BC, TestPki.RANDOM);

    @Test
    void theCsrAsksForTheDeviceWithAnEcP256KeyAndPassesTheCasChecks() throws Exception {
        KeyPair pair = keys.keyPair();
        CsrValidator.ValidatedCsr csr =
                new CsrValidator(TestPki.BC).validate(keys.csr(pair, new DeviceId("sensor-0001")));
        assertEquals("EC P-256", csr.keyDescription());
        assertEquals("sensor-0001", csr.requestedCommonName());
        assertArrayEquals(pair.getPublic().getEncoded(), csr.publicKey().getEncoded());
    }

    @Test
    void thePkcs12HoldsTheKeyAndTheChainUnderTheOneTimePassword() throws Exception {
        KeyPair pair = keys.keyPair();
        DeviceId device = new DeviceId("sensor-0001");
        X509Certificate certificate = pki.factory.device(
                pki.deviceCa,
                device,
                pair.getPublic(),
                Duration.ofDays(30),
                java.net.URI.create("http://localhost/crl"));
        List<X509Certificate> chain = List.of(certificate, pki.deviceCa.certificate(), pki.root.certificate());
        char[] password = keys.password();
        assertEquals(FactoryKeys.PASSWORD_LENGTH, password.length);
        assertNotEquals(new String(password), new String(keys.password()));

        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(new ByteArrayInputStream(keys.pkcs12("sensor-0001", pair.getPrivate(), chain, password)), password);
        PrivateKey key = (PrivateKey) p12.getKey("sensor-0001", password);
        assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
        assertEquals(3, p12.getCertificateChain("sensor-0001").length);
        assertEquals(certificate, p12.getCertificate("sensor-0001"));
    }
}
