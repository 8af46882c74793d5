package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.devicetrust.pki.boundary.Openssl;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What OpenSSL, an independent implementation, says about our key stores, certificates and CRLs. */
class OpensslInteropTest {

    private static final URI CRL_URL = URI.create("http://localhost:8080/pki/crl/device-ca.crl");
    private static final String PASSWORD = "interop-password-0123456789abcdefgh";

    @TempDir
    Path dir;

    @BeforeAll
    static void opensslIsInstalled() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl CLI not installed");
    }

    @Test
    void opensslAcceptsGoodCertificateRejectsRevokedOneAndVerifiesTheCrl() throws Exception {
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        Clock clock = Clock.systemUTC(); // openssl checks validity against its own clock
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, clock)
                .run(layout, Optional.of(PASSWORD), List.of("backend.example"), CRL_URL);
        CaCredential deviceCa = Pkcs12CaKeyStore.open(layout.caKeyStore(), PASSWORD.toCharArray(), TestPki.BC)
                .credential(CaKeyStore.DEVICE_CA);
        CertificateFactory factory = new CertificateFactory(TestPki.BC, TestPki.RANDOM, clock);
        X509Certificate good = factory.device(
                deviceCa,
                new DeviceId("good-device"),
                TestPki.ec("secp256r1").getPublic(),
                Duration.ofDays(30),
                CRL_URL);
        X509Certificate revoked = factory.device(
                deviceCa, new DeviceId("lost-device"), TestPki.rsa(2048).getPublic(), Duration.ofDays(30), CRL_URL);
        List<CrlFactory.RevokedEntry> entries = new ArrayList<>();
        entries.add(new CrlFactory.RevokedEntry(
                revoked.getSerialNumber(), Instant.now().minusSeconds(1), 1));
        entries.add(new CrlFactory.RevokedEntry(
                BigInteger.valueOf(77), Instant.now().minusSeconds(1), 0));
        Instant thisUpdate = Instant.now().minusSeconds(2);
        byte[] crl = new CrlFactory(TestPki.BC)
                .create(deviceCa, BigInteger.valueOf(7), thisUpdate, thisUpdate.plus(Duration.ofHours(24)), entries)
                .der();

        Path crlPem = write("device-ca.crl", new String(Pem.crl(crl), StandardCharsets.US_ASCII));
        Path goodPem = write("good.pem", Pem.certificate(good));
        Path revokedPem = write("revoked.pem", Pem.certificate(revoked));
        String chain = layout.caChainPem().toString();

        Openssl.Result ok = Openssl.run(
                "verify",
                "-CAfile",
                chain,
                "-crl_check",
                "-CRLfile",
                crlPem.toString(),
                "-purpose",
                "sslclient",
                goodPem.toString());
        assertEquals(0, ok.code(), ok.output());
        assertTrue(ok.output().contains(": OK"), ok.output());

        Openssl.Result refused = Openssl.run(
                "verify", "-CAfile", chain, "-crl_check", "-CRLfile", crlPem.toString(), revokedPem.toString());
        assertNotEquals(0, refused.code(), refused.output());
        assertTrue(refused.output().contains("certificate revoked"), refused.output());

        Openssl.Result crlCheck =
                Openssl.run("crl", "-in", crlPem.toString(), "-CAfile", chain, "-verify", "-noout", "-text");
        assertEquals(0, crlCheck.code(), crlCheck.output());
        assertTrue(crlCheck.output().contains("verify OK"), crlCheck.output());
        assertTrue(crlCheck.output().contains("X509v3 CRL Number: \n                7"), crlCheck.output());
        assertTrue(crlCheck.output().contains("Key Compromise"), crlCheck.output());
        assertTrue(crlCheck.output().contains("Version 2"), crlCheck.output());

        Openssl.Result server = Openssl.run(
                "verify",
                "-CAfile",
                layout.rootCaPem().toString(),
                "-purpose",
                "sslserver",
                extractServer(layout).toString());
        assertEquals(0, server.code(), server.output());

        Openssl.Result pkcs12 =
                Openssl.run("pkcs12", "-in", layout.caKeyStore().toString(), "-nokeys", "-passin", "pass:" + PASSWORD);
        assertEquals(0, pkcs12.code(), pkcs12.output());
        assertTrue(pkcs12.output().contains("friendlyName: device-ca"), pkcs12.output());
    }

    private Path extractServer(PkiLayout layout) throws Exception {
        String password = Files.readString(layout.tlsPasswordFile()).strip();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(layout.serverKeyStore())) {
            ks.load(in, password.toCharArray());
        }
        return write("server.pem", Pem.certificate((X509Certificate) ks.getCertificate("devicetrust-server")));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
