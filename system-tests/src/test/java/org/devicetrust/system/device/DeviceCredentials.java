package org.devicetrust.system.device;

import static org.devicetrust.system.DeviceTrustServer.json;
import static org.devicetrust.system.DeviceTrustServer.opensslCsr;
import static org.devicetrust.system.DeviceTrustServer.run;

import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.devicetrust.system.DeviceTrustServer;
import org.devicetrust.system.DeviceTrustServer.Run;

/**
 * Client credentials for device API tests: certificates issued through the admin API from {@code openssl req}
 * CSRs (the normal path), and deliberately bad ones (self-signed, rogue CA, expired, wrong key usage) signed
 * with keys the test controls or, where the certificate must come from our Device CA to reach the
 * application's own checks, with the Device CA key read from the data directory's CA key store.
 */
public final class DeviceCredentials {

    static final DeviceTrustServer SERVER = DeviceTrustServer.INSTANCE;
    static final char[] P12_PASSWORD = "device-test".toCharArray();

    /** Key and certificate files of one client, plus a PKCS#12 for Java clients. */
    public record Credential(Path dir, String name, String deviceId, String serial) {
        Path key() {
            return dir.resolve(name + ".key");
        }

        Path cert() {
            return dir.resolve(name + ".pem");
        }

        KeyStore keyStore() throws Exception {
            PrivateKey key;
            try (PEMParser parser = new PEMParser(new StringReader(Files.readString(key())))) {
                Object o = parser.readObject();
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                key = o instanceof PEMKeyPair pair
                        ? converter.getKeyPair(pair).getPrivate()
                        : converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("device", key, P12_PASSWORD, new X509Certificate[] {
                DeviceTrustServer.certificate(Files.readString(cert()))
            });
            return ks;
        }

        /** A Java HTTP client presenting this credential, trusting only our root CA. */
        public HttpClient client() throws Exception {
            return HttpClient.newBuilder()
                    .sslContext(SERVER.sslContext(keyStore(), P12_PASSWORD))
                    .connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        }
    }

    private DeviceCredentials() {}

    static String uniqueId(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime() % 10_000_000_000L, 36);
    }

    /** Registers a device and has the CA issue it a certificate from an openssl CSR. */
    public static Credential registeredDevice(Path dir, String prefix) {
        String id = SERVER.registerDevice(uniqueId(prefix), prefix + " test device");
        return issue(dir, id, id);
    }

    public static Credential issue(Path dir, String deviceId, String name) {
        String csr = opensslCsr(dir, name, deviceId);
        HttpResponse<String> issued = SERVER.admin(
                "POST", "/api/v1/admin/devices/" + deviceId + "/certificates", "application/x-pem-file", csr);
        if (issued.statusCode() != 201) {
            throw new AssertionError(
                    "issuing for " + deviceId + " answered " + issued.statusCode() + ": " + issued.body());
        }
        var body = json(issued.body());
        write(dir.resolve(name + ".pem"), body.getString("pem"));
        return new Credential(dir, name, deviceId, body.getString("serial"));
    }

    static HttpResponse<String> revoke(String serial) {
        return SERVER.admin(
                "POST",
                "/api/v1/admin/certificates/" + serial + "/revocation",
                "application/json",
                "{\"reason\":\"keyCompromise\"}");
    }

    static HttpResponse<String> changeStatus(String deviceId, String status) {
        return SERVER.admin(
                "POST",
                "/api/v1/admin/devices/" + deviceId + "/status",
                "application/json",
                "{\"status\":\"" + status + "\",\"reason\":\"device API test\"}");
    }

    /** A self-signed certificate made by openssl (CN = the given device id). */
    static Credential selfSigned(Path dir, String deviceId) {
        Run r = run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "self.key",
                "-out",
                "self.pem",
                "-days",
                "30",
                "-subj",
                "/CN=" + deviceId,
                "-addext",
                "extendedKeyUsage=clientAuth");
        if (r.exitCode() != 0) {
            throw new AssertionError(r.output());
        }
        return new Credential(dir, "self", deviceId, null);
    }

    /**
     * A certificate from a rogue CA that copies our Device CA's name exactly: only the signature tells them
     * apart.
     */
    static Credential rogueCa(Path dir, String deviceId) throws Exception {
        KeyPair rogue = ecKey();
        X509Certificate deviceCa = deviceCa().certificate;
        return signed(
                dir,
                "rogue",
                deviceId,
                rogue.getPrivate(),
                X500Name.getInstance(deviceCa.getSubjectX500Principal().getEncoded()),
                Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_clientAuth);
    }

    /** Signed by our Device CA key, with the given validity and extended key usage (null: no EKU at all). */
    static Credential fromDeviceCa(
            Path dir, String name, String deviceId, Instant notBefore, Instant notAfter, KeyPurposeId usage)
            throws Exception {
        CaKey ca = deviceCa();
        return signed(
                dir,
                name,
                deviceId,
                ca.key,
                X500Name.getInstance(ca.certificate.getSubjectX500Principal().getEncoded()),
                notBefore,
                notAfter,
                usage);
    }

    private record CaKey(PrivateKey key, X509Certificate certificate) {}

    private static CaKey deviceCa() throws Exception {
        char[] password = Files.readString(SERVER.dataDir.resolve("secrets/pki-keystore.pass"))
                .strip()
                .toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(SERVER.pkiDir.resolve("devicetrust-ca.p12"))) {
            ks.load(in, password);
        }
        return new CaKey(
                (PrivateKey) ks.getKey("device-ca", password), (X509Certificate) ks.getCertificate("device-ca"));
    }

    private static Credential signed(
            Path dir,
            String name,
            String deviceId,
            PrivateKey issuerKey,
            X500Name issuer,
            Instant notBefore,
            Instant notAfter,
            KeyPurposeId usage)
            throws Exception {
        KeyPair subject = ecKey();
        var builder = new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(159, new SecureRandom()).setBit(158),
                Date.from(notBefore),
                Date.from(notAfter),
                new X500Name("CN=" + deviceId),
                subject.getPublic());
        if (usage != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
        }
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        write(dir.resolve(name + ".pem"), pem(cert));
        write(
                dir.resolve(name + ".key"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(subject.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        return new Credential(dir, name, deviceId, cert.getSerialNumber().toString(16));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String pem(Object o) throws Exception {
        var out = new java.io.StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
