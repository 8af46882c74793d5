package org.devicetrust.pki.control;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** An in-memory CA hierarchy and CSR helpers shared by the control tests. */
final class TestPki {

    static final Provider BC = new BouncyCastleProvider();
    static final SecureRandom RANDOM = new SecureRandom();
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final CertificateFactory factory = new CertificateFactory(BC, RANDOM, CLOCK);
    final CaCredential root;
    final CaCredential deviceCa;

    TestPki() {
        KeyPair rootKeys = keyPair("EC", new ECGenParameterSpec("secp384r1"));
        X509Certificate rootCertificate = factory.rootCa(rootKeys.getPublic(), rootKeys.getPrivate());
        root = new CaCredential(rootCertificate, rootKeys.getPrivate(), List.of(rootCertificate));
        KeyPair deviceKeys = keyPair("EC", new ECGenParameterSpec("secp256r1"));
        X509Certificate deviceCertificate = factory.deviceCa(root, deviceKeys.getPublic());
        deviceCa = new CaCredential(deviceCertificate, deviceKeys.getPrivate(),
                List.of(deviceCertificate, rootCertificate));
    }

    static KeyPair keyPair(String algorithm, AlgorithmParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm, BC);
            if (spec != null) {
                generator.initialize(spec, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec(String curve) {
        return keyPair("EC", new ECGenParameterSpec(curve));
    }

    static KeyPair rsa(int bits) {
        return keyPair("RSA", new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
    }

    /** A DER CSR for {@code keys}, signed with {@code signingKey} (pass another key to break proof of possession). */
    static byte[] csr(KeyPair keys, PrivateKey signingKey, String algorithm) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=requested"), keys.getPublic())
                    .build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(signingKey)).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] csr(KeyPair keys) {
        String algorithm = switch (keys.getPublic().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> "SHA256withECDSA";
        };
        return csr(keys, keys.getPrivate(), algorithm);
    }

    static byte[] pem(byte[] der) {
        return Pem.encode(Pem.CERTIFICATE_REQUEST, der).getBytes(StandardCharsets.US_ASCII);
    }
}
