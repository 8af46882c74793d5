package org.devicetrust.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.devicetrust.firmware.control.FirmwareKeys;
import org.devicetrust.firmware.control.SignedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareCommandTest {

    private final BouncyCastleProvider bc = new BouncyCastleProvider();

    @TempDir
    Path dir;

    private KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", bc);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private Path pem(KeyPair kp) throws Exception {
        Path p = dir.resolve("key.pem");
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPrivate().getEncoded());
        Files.writeString(p, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
        return p;
    }

    private String[] signArgs(String... keyArgs) {
        String[] base = {"sign", "--type", "app", "--in", dir.resolve("app.bin").toString(), "--out",
                dir.resolve("app.img").toString(), "--version", "3", "--security-version", "2", "--load-addr",
                "0x80200000", "--build-id", "test-1"};
        String[] all = new String[base.length + keyArgs.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(keyArgs, 0, all, base.length, keyArgs.length);
        return all;
    }

    @Test
    void signsAnAppWithAPemKey() throws Exception {
        KeyPair kp = p256();
        Files.write(dir.resolve("app.bin"), new byte[] {1, 2, 3, 4, 5});
        assertEquals(0, FirmwareCommand.run(signArgs("--key", pem(kp).toString())));
        SignedImage image = SignedImage.parse(Files.readAllBytes(dir.resolve("app.img")));
        image.verifySignature(bc);
        assertEquals(3, image.manifest().version());
        assertEquals("test-1", image.manifest().buildIdText());
        assertEquals(FirmwareKeys.hex(FirmwareKeys.keyDigest(kp.getPublic())),
                FirmwareKeys.hex(FirmwareKeys.keyDigest(image.signatureBlock().publicKey())));
    }

    @Test
    void signsWithTheFirmwareKeyOfThePkiKeyStore() throws Exception {
        KeyPair kp = p256();
        Instant now = Instant.parse("2026-11-24T00:00:00Z");
        X500Name name = new X500Name("CN=DeviceTrust Firmware Signing");
        X509Certificate cert = new JcaX509CertificateConverter().setProvider(bc).getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now),
                        Date.from(now.plus(365, ChronoUnit.DAYS)), name, kp.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc).build(kp.getPrivate())));
        char[] password = "s3cret-pass".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(FirmwareCommand.KEY_ALIAS, kp.getPrivate(), password, new X509Certificate[] {cert});
        Files.createDirectories(dir.resolve("data/pki"));
        Files.createDirectories(dir.resolve("data/secrets"));
        try (var out = Files.newOutputStream(dir.resolve("data/pki/devicetrust-ca.p12"))) {
            ks.store(out, password);
        }
        Path pass = dir.resolve("data/secrets/pki-keystore.pass");
        Files.writeString(pass, "s3cret-pass\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
        Files.write(dir.resolve("app.bin"), new byte[100]);
        assertEquals(0, FirmwareCommand.run(signArgs("--data-dir", dir.resolve("data").toString())));
        SignedImage.parse(Files.readAllBytes(dir.resolve("app.img"))).verifySignature(bc);

        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(CommandException.class,
                () -> FirmwareCommand.run(signArgs("--data-dir", dir.resolve("data").toString())));
        assertTrue(e.getMessage().contains("readable by others"));
    }

    @Test
    void userErrorsAreOneLineCommandExceptions() throws Exception {
        Files.write(dir.resolve("app.bin"), new byte[] {1});
        var noKey = assertThrows(CommandException.class, () -> FirmwareCommand.run(signArgs()));
        assertTrue(noKey.getMessage().contains("--data-dir"));
        var noStore = assertThrows(CommandException.class,
                () -> FirmwareCommand.run(signArgs("--data-dir", dir.resolve("none").toString())));
        assertTrue(noStore.getMessage().contains("pki bootstrap"));
        assertThrows(CommandException.class, () -> FirmwareCommand.run(new String[] {"sign", "--bogus", "1"}));
        assertThrows(CommandException.class, () -> FirmwareCommand.run(new String[] {"frobnicate"}));
        assertTrue(!noKey.getMessage().contains("\tat "));
    }
}
