package org.devicetrust.enrollment.control;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test only: small EC certificates for the enrollment controls (a CA and the end entities it signs). */
public final class TestCertificates {

    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final AtomicLong SERIALS = new AtomicLong(0x1000);

    public record Issued(KeyPair keys, X509Certificate certificate) {}

    private TestCertificates() {}

    static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Issued ca(String subject, Instant notBefore, Instant notAfter) {
        KeyPair keys = ecKeys();
        return new Issued(
                keys,
                sign(
                        subject,
                        keys.getPublic(),
                        new X500Name(subject),
                        keys.getPrivate(),
                        notBefore,
                        notAfter,
                        true,
                        null));
    }

    /** An end entity for TLS client authentication, signed by {@code issuer}. */
    public static Issued leaf(Issued issuer, String subject, Instant notBefore, Instant notAfter) {
        KeyPair keys = ecKeys();
        return new Issued(
                keys,
                sign(
                        subject,
                        keys.getPublic(),
                        X500Name.getInstance(
                                issuer.certificate().getSubjectX500Principal().getEncoded()),
                        issuer.keys().getPrivate(),
                        notBefore,
                        notAfter,
                        false,
                        KeyPurposeId.id_kp_clientAuth));
    }

    private static X509Certificate sign(
            String subject,
            PublicKey key,
            X500Name issuer,
            PrivateKey signer,
            Instant notBefore,
            Instant notAfter,
            boolean ca,
            KeyPurposeId purpose) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Name(subject),
                    key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            return new JcaX509CertificateConverter()
                    .setProvider(BC)
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                            .setProvider(BC)
                            .build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pem(X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return pem.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
