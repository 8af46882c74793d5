package org.devicetrust.device.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.devicetrust.device.entity.AccessReason;
import org.junit.jupiter.api.Test;

class CertificateCheckTest {

    static final Provider BC = new BouncyCastleProvider();
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final KeyPair caKey = ecKey();
    final X509Certificate ca = certificate(
            caKey,
            "CN=DeviceTrust Device Issuing CA,O=DeviceTrust",
            caKey,
            "CN=DeviceTrust Device Issuing CA,O=DeviceTrust",
            NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(900)),
            null,
            null,
            true);
    final CertificateCheck check = new CertificateCheck(ca, BC, CLOCK);

    @Test
    void goodCertificateNamesItsDevice() {
        CertificateCheck.Result r = check.check(new X509Certificate[] {
            device(
                    "dev-1",
                    KeyPurposeId.id_kp_clientAuth,
                    "urn:devicetrust:device:dev-1",
                    NOW.plus(Duration.ofDays(30)))
        });
        assertEquals(AccessReason.ALLOWED, r.reason(), r.detail());
        assertEquals("dev-1", r.deviceId());
    }

    @Test
    void missingChainIsNoCertificate() {
        assertEquals(AccessReason.NO_CERTIFICATE, check.check(null).reason());
        assertEquals(
                AccessReason.NO_CERTIFICATE, check.check(new X509Certificate[0]).reason());
    }

    @Test
    void certificateThatExpiredWhileConnectedIsRefused() {
        X509Certificate cert = device("dev-1", KeyPurposeId.id_kp_clientAuth, null, NOW.minusSeconds(1));
        assertEquals(
                AccessReason.EXPIRED, check.check(new X509Certificate[] {cert}).reason());
    }

    @Test
    void rogueCaWithTheSameNameIsUnknownCa() {
        KeyPair rogue = ecKey();
        X509Certificate cert = certificate(
                ecKey(),
                "CN=dev-1",
                rogue,
                "CN=DeviceTrust Device Issuing CA,O=DeviceTrust",
                NOW.minusSeconds(60),
                NOW.plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_clientAuth,
                null,
                false);
        assertEquals(
                AccessReason.UNKNOWN_CA,
                check.check(new X509Certificate[] {cert}).reason());
    }

    @Test
    void certificateWithoutClientAuthIsRefused() {
        assertEquals(
                AccessReason.NOT_FOR_CLIENT_AUTH,
                check.check(new X509Certificate[] {device("dev-1", null, null, NOW.plus(Duration.ofDays(1)))})
                        .reason());
        assertEquals(
                AccessReason.NOT_FOR_CLIENT_AUTH,
                check.check(new X509Certificate[] {
                            device("dev-1", KeyPurposeId.id_kp_serverAuth, null, NOW.plus(Duration.ofDays(1)))
                        })
                        .reason());
    }

    @Test
    void sanNamingAnotherDeviceIsRefused() {
        CertificateCheck.Result r = check.check(new X509Certificate[] {
            device("dev-1", KeyPurposeId.id_kp_clientAuth, "urn:devicetrust:device:dev-2", NOW.plus(Duration.ofDays(1)))
        });
        assertEquals(AccessReason.IDENTITY_INVALID, r.reason());
        assertEquals(
                AccessReason.IDENTITY_INVALID,
                check.check(new X509Certificate[] {
                            device("Not_A_Device", KeyPurposeId.id_kp_clientAuth, null, NOW.plus(Duration.ofDays(1)))
                        })
                        .reason());
    }

    private X509Certificate device(String cn, KeyPurposeId usage, String sanUri, Instant notAfter) {
        return certificate(
                ecKey(),
                "CN=" + cn,
                caKey,
                "CN=DeviceTrust Device Issuing CA,O=DeviceTrust",
                NOW.minus(Duration.ofDays(2)),
                notAfter,
                usage,
                sanUri,
                false);
    }

    private static X509Certificate certificate(
            KeyPair subject,
            String subjectDn,
            KeyPair issuer,
            String issuerDn,
            Instant notBefore,
            Instant notAfter,
            KeyPurposeId usage,
            String sanUri,
            boolean ca) {
        try {
            var b = new JcaX509v3CertificateBuilder(
                    new X500Name(issuerDn),
                    BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Name(subjectDn),
                    subject.getPublic());
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            }
            if (usage != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
            }
            if (sanUri != null) {
                b.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, sanUri)));
            }
            return new JcaX509CertificateConverter()
                    .setProvider(BC)
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .setProvider(BC)
                            .build(issuer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
