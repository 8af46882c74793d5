package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.devicetrust.firmware.control.FirmwareKeys;
import org.devicetrust.firmware.control.FirmwareManifest;
import org.devicetrust.firmware.control.FirmwareSigner;
import org.devicetrust.firmware.control.ImageType;
import org.devicetrust.firmware.control.SignatureBlock;
import org.devicetrust.firmware.control.SignedImage;
import org.devicetrust.pki.boundary.Openssl;
import org.devicetrust.platform.entity.DeviceId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA keys in a real PKCS#11 token (SoftHSM2, a fresh token per test), checked by OpenSSL. */
class Pkcs11CaKeyStoreTest {

    private static final URI CRL_URL = URI.create("http://localhost:8080/pki/crl/device-ca.crl");
    private static final List<String> CA_ALIASES =
            List.of(CaKeyStore.ROOT_CA, CaKeyStore.DEVICE_CA, CaKeyStore.FIRMWARE_SIGNING);

    @TempDir
    Path dir;

    @BeforeAll
    static void softHsmIsInstalled() {
        assumeTrue(SoftHsm.available(), "SoftHSM2 not installed or SOFTHSM2_CONF not set");
    }

    @Test
    void bootstrapGeneratesTheCaKeysInTheTokenAndWritesNoCaKeyFile() throws Exception {
        SoftHsm.Token token = SoftHsm.newToken();
        Pkcs11CaKeyStore store = token.open();
        PkiLayout layout = new PkiLayout(dir.resolve("data"));

        PkiBootstrap.Result result = new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(layout, store, List.of("backend.example"), CRL_URL);

        assertTrue(result.createdCa());
        for (String alias : CA_ALIASES) {
            assertTrue(store.contains(alias), alias);
        }
        assertFalse(Files.exists(layout.caKeyStore()), "no PKCS#12 CA key store");
        assertFalse(Files.exists(layout.caPasswordFile()), "no CA key store password");
        // The only key in a file is the listeners' TLS server key; no CA key is in any file of the data directory.
        try (Stream<Path> files = Files.walk(layout.dataDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains("PRIVATE KEY"), file + " holds a PEM private key");
                if (file.equals(layout.serverKeyStore())) {
                    assertEquals(List.of(PkiLayout.SERVER_ALIAS), keyAliases(layout, file), file.toString());
                } else if (file.getFileName().toString().endsWith(".p12")) {
                    assertEquals(List.of(), keyAliases(layout, file), file.toString());
                }
            }
        }
        // Idempotent: a second run against the same token creates nothing.
        PkiBootstrap.Result again = new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(layout, token.open(), List.of("backend.example"), CRL_URL);
        assertFalse(again.createdCa());
        assertTrue(again.changedNothing(), again.changes().toString());
        assertEquals(result.rootFingerprint(), again.rootFingerprint());
    }

    @Test
    void certificateAndCrlSignedInTheTokenVerifyWithOpensslCrlCheck() throws Exception {
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        Pkcs11CaKeyStore store = SoftHsm.newToken().open();
        Clock clock = Clock.systemUTC(); // openssl checks validity against its own clock
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, clock).runInToken(layout, store, List.of(), CRL_URL);
        CaCredential deviceCa = store.credential(CaKeyStore.DEVICE_CA);
        assertEquals(store.provider(), deviceCa.keyProvider());

        CertificateFactory factory = new CertificateFactory(TestPki.BC, TestPki.RANDOM, clock);
        X509Certificate good = factory.device(
                deviceCa,
                new DeviceId("good-device"),
                TestPki.ec("secp256r1").getPublic(),
                Duration.ofDays(30),
                CRL_URL);
        X509Certificate revoked = factory.device(
                deviceCa,
                new DeviceId("lost-device"),
                TestPki.ec("secp256r1").getPublic(),
                Duration.ofDays(30),
                CRL_URL);
        Instant thisUpdate = Instant.now().minusSeconds(2);
        byte[] crl = new CrlFactory(TestPki.BC)
                .create(
                        deviceCa,
                        BigInteger.valueOf(2),
                        thisUpdate,
                        thisUpdate.plus(Duration.ofHours(1)),
                        List.of(new CrlFactory.RevokedEntry(revoked.getSerialNumber(), thisUpdate, 1)))
                .der();
        Path crlPem = write("device-ca.crl", new String(Pem.crl(crl), StandardCharsets.US_ASCII));

        Openssl.Result ok = verify(layout, crlPem, write("good.pem", Pem.certificate(good)));
        assertEquals(0, ok.code(), ok.output());
        Openssl.Result refused = verify(layout, crlPem, write("revoked.pem", Pem.certificate(revoked)));
        assertNotEquals(0, refused.code(), refused.output());
        assertTrue(refused.output().contains("certificate revoked"), refused.output());
        // the chain the bootstrap wrote (root self-signed in the token) verifies on its own too
        Openssl.Result chain = Openssl.run(
                "verify",
                "-CAfile",
                layout.rootCaPem().toString(),
                layout.deviceCaPem().toString());
        assertEquals(0, chain.code(), chain.output());
    }

    @Test
    void theKeysAreSensitiveAndCannotBeExtracted() throws Exception {
        Pkcs11CaKeyStore store = SoftHsm.newToken().open();
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(new PkiLayout(dir.resolve("data")), store, List.of(), CRL_URL);
        for (String alias : CA_ALIASES) {
            PrivateKey key = store.credential(alias).privateKey();
            // SunPKCS11 reads CKA_SENSITIVE and CKA_EXTRACTABLE from the token for this description
            assertTrue(key.toString().contains("token object, sensitive, unextractable"), key.toString());
            assertNull(key.getEncoded(), alias + " has an encoding");
            KeyFactory keys = KeyFactory.getInstance("EC", store.provider());
            assertThrows(Exception.class, () -> keys.getKeySpec(key, ECPrivateKeySpec.class), alias);
            assertThrows(Exception.class, () -> keys.getKeySpec(key, PKCS8EncodedKeySpec.class), alias);
            // nor can it be copied into a software key store
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            X509Certificate[] chain = store.credential(alias).chain().toArray(new X509Certificate[0]);
            assertThrows(Exception.class, () -> p12.setKeyEntry(alias, key, "x".toCharArray(), chain), alias);
        }
    }

    @Test
    void firmwareSigningKeySignsInTheToken() throws Exception {
        Pkcs11CaKeyStore store = SoftHsm.newToken().open();
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC()).runInToken(layout, store, List.of(), CRL_URL);
        CaCredential firmware = store.credential(CaKeyStore.FIRMWARE_SIGNING);
        byte[] manifest = "a release manifest".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA", firmware.signingProvider(TestPki.BC));
        signer.initSign(firmware.privateKey());
        signer.update(manifest);
        byte[] signature = signer.sign();
        X509Certificate published;
        try (InputStream in = Files.newInputStream(layout.firmwareSigningPem())) {
            published = (X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Signature verifier = Signature.getInstance("SHA256withECDSA", TestPki.BC);
        verifier.initVerify(published.getPublicKey());
        verifier.update(manifest);
        assertTrue(verifier.verify(signature));
    }

    @Test
    void aFirmwareImageIsSignedWithTheTokenKeyAndVerifiesAgainstThePublishedKey() throws Exception {
        Pkcs11CaKeyStore store = SoftHsm.newToken().open();
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC()).runInToken(layout, store, List.of(), CRL_URL);
        CaCredential firmware = store.credential(CaKeyStore.FIRMWARE_SIGNING);
        byte[] payload = "an application image".repeat(40).getBytes(StandardCharsets.US_ASCII);

        // the deterministic signature is BouncyCastle's, which cannot use a key handle in a token
        FirmwareSigner inMemoryOnly = new FirmwareSigner(firmware.privateKey(), firmware.publicKey(), TestPki.BC);
        IllegalStateException refused = assertThrows(
                IllegalStateException.class,
                () -> inMemoryOnly.sign(
                        payload,
                        inMemoryOnly.manifestFor(
                                payload, ImageType.APP, 1, 0, 0x80200000L, 0x80200000L, new byte[32])));
        assertTrue(refused.getMessage().startsWith("firmware signing failed"), refused.getMessage());

        FirmwareSigner signer = new FirmwareSigner(
                firmware.privateKey(), firmware.publicKey(), TestPki.BC, firmware.signingProvider(TestPki.BC));
        FirmwareManifest manifest =
                signer.manifestFor(payload, ImageType.APP, 1, 0, 0x80200000L, 0x80200000L, new byte[32]);
        byte[] first = signer.sign(payload, manifest);
        byte[] second = signer.sign(payload, manifest);
        X509Certificate published;
        try (InputStream in = Files.newInputStream(layout.firmwareSigningPem())) {
            published = (X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        for (byte[] image : List.of(first, second)) {
            SignedImage parsed = SignedImage.parse(image);
            parsed.verifySignature(TestPki.BC);
            assertArrayEquals(
                    FirmwareKeys.rawPublicKey(published.getPublicKey()),
                    parsed.signatureBlock().publicKey());
        }
        assertFalse(java.util.Arrays.equals(first, second), "the token signs with a random nonce");
        byte[] tampered = first.clone();
        tampered[(int) SignedImage.signatureBlockOffset(payload.length) + SignatureBlock.OFFSET_SIGNATURE] ^= 1;
        assertThrows(
                IllegalArgumentException.class,
                () -> SignedImage.parse(tampered).verifySignature(TestPki.BC));
    }

    @Test
    void aTokenFoundByItsLabelIsTheTokenInItsSlot() throws Exception {
        SoftHsm.Token token = SoftHsm.newToken();
        Pkcs11CaKeyStore bySlot = token.open();
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(new PkiLayout(dir.resolve("data")), bySlot, List.of(), CRL_URL);
        X509Certificate deviceCa = bySlot.credential(CaKeyStore.DEVICE_CA).certificate();

        Pkcs11CaKeyStore byLabel = Pkcs11CaKeyStore.open(
                Pkcs11Settings.tokenLabel(SoftHsm.LIBRARY, token.label()), SoftHsm.USER_PIN.toCharArray());
        assertEquals(token.slot(), byLabel.settings().slot());
        assertEquals(deviceCa, byLabel.credential(CaKeyStore.DEVICE_CA).certificate());
        assertTrue(byLabel.settings().describe().contains("'" + token.label() + "' in slot " + token.slot()));

        List<Pkcs11Tokens.Slot> slots = Pkcs11Tokens.list(byLabel.settings());
        int index = slots.stream()
                .filter(s -> s.id() == token.slot())
                .findFirst()
                .orElseThrow()
                .listIndex();
        Pkcs11CaKeyStore agreeing = Pkcs11CaKeyStore.open(
                Pkcs11Settings.of(
                        SoftHsm.LIBRARY, Optional.of(token.slot()), Optional.empty(), Optional.of(token.label())),
                SoftHsm.USER_PIN.toCharArray());
        assertEquals(deviceCa, agreeing.credential(CaKeyStore.DEVICE_CA).certificate());
        Pkcs11CaKeyStore.open(
                Pkcs11Settings.of(SoftHsm.LIBRARY, Optional.empty(), Optional.of(index), Optional.of(token.label())),
                SoftHsm.USER_PIN.toCharArray());

        long otherSlot = SoftHsm.newToken().slot();
        KeyStoreUnavailableException slotDisagrees = assertThrows(
                KeyStoreUnavailableException.class,
                () -> Pkcs11CaKeyStore.open(
                        Pkcs11Settings.of(
                                SoftHsm.LIBRARY, Optional.of(otherSlot), Optional.empty(), Optional.of(token.label())),
                        SoftHsm.USER_PIN.toCharArray()));
        assertTrue(
                slotDisagrees
                        .getMessage()
                        .endsWith("the token with this label is in slot " + token.slot()
                                + ", not in the configured slot " + otherSlot + "; the slot and the label disagree"),
                slotDisagrees.getMessage());
        KeyStoreUnavailableException indexDisagrees = assertThrows(
                KeyStoreUnavailableException.class,
                () -> Pkcs11CaKeyStore.open(
                        Pkcs11Settings.of(
                                SoftHsm.LIBRARY, Optional.empty(), Optional.of(index + 1), Optional.of(token.label())),
                        SoftHsm.USER_PIN.toCharArray()));
        assertTrue(indexDisagrees.getMessage().contains("label disagree"), indexDisagrees.getMessage());
        KeyStoreUnavailableException unknown = assertThrows(
                KeyStoreUnavailableException.class,
                () -> Pkcs11CaKeyStore.open(
                        Pkcs11Settings.tokenLabel(SoftHsm.LIBRARY, "no-such-token"), SoftHsm.USER_PIN.toCharArray()));
        assertTrue(
                unknown.getMessage()
                        .startsWith("PKCS#11 token 'no-such-token' of " + SoftHsm.LIBRARY
                                + ": no token has this label (tokens: "),
                unknown.getMessage());
        assertTrue(unknown.getMessage().contains("'" + token.label() + "' in slot " + token.slot()));
        assertFalse(unknown.getMessage().contains(SoftHsm.USER_PIN));
        assertThrows(
                IllegalArgumentException.class,
                () -> Pkcs11Settings.tokenLabel(SoftHsm.LIBRARY, "x".repeat(Pkcs11Settings.MAX_LABEL_LENGTH + 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> Pkcs11Settings.of(SoftHsm.LIBRARY, Optional.of(1L), Optional.of(0), Optional.empty()));
    }

    @Test
    void pkcs12KeysImportedIntoTheTokenSignForTheirOldCertificates() throws Exception {
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        String password = "migration-password-0123456789abcdef";
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .run(layout, Optional.of(password), List.of(), CRL_URL);
        Pkcs12CaKeyStore file = Pkcs12CaKeyStore.open(layout.caKeyStore(), password.toCharArray(), TestPki.BC);
        Pkcs11CaKeyStore token = SoftHsm.newToken().open();

        assertEquals(CA_ALIASES, token.importFrom(file, CA_ALIASES));
        assertEquals(List.of(), token.importFrom(file, CA_ALIASES), "an alias already in the token is kept");

        CaCredential imported = token.credential(CaKeyStore.DEVICE_CA);
        assertTrue(imported.privateKey().toString().contains("sensitive, unextractable"), imported.toString());
        assertEquals(file.credential(CaKeyStore.DEVICE_CA).certificate(), imported.certificate());
        Instant thisUpdate = Instant.now().minusSeconds(2);
        byte[] crl = new CrlFactory(TestPki.BC)
                .create(imported, BigInteger.valueOf(5), thisUpdate, thisUpdate.plus(Duration.ofHours(1)), List.of())
                .der();
        Path crlPem = write("device-ca.crl", new String(Pem.crl(crl), StandardCharsets.US_ASCII));
        X509Certificate device = new CertificateFactory(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .device(
                        imported,
                        new DeviceId("migrated"),
                        TestPki.ec("secp256r1").getPublic(),
                        Duration.ofDays(1),
                        CRL_URL);
        // verified against the chain written by the PKCS#12 bootstrap, before the migration
        Openssl.Result ok = verify(layout, crlPem, write("device.pem", Pem.certificate(device)));
        assertEquals(0, ok.code(), ok.output());
    }

    @Test
    void aTokenThatGoesAwayFailsWithOneClearLine() throws Exception {
        SoftHsm.Token token = SoftHsm.newToken();
        Pkcs11CaKeyStore store = token.open();
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(new PkiLayout(dir.resolve("data")), store, List.of(), CRL_URL);
        CertificateFactory factory = new CertificateFactory(TestPki.BC, TestPki.RANDOM, Clock.systemUTC());
        CaCredential before = store.credential(CaKeyStore.DEVICE_CA);
        factory.device(
                before, new DeviceId("before"), TestPki.ec("secp256r1").getPublic(), Duration.ofDays(1), CRL_URL);

        // the token's files vanish under the running module (SoftHSM2 does not take the token back afterwards)
        Files.move(
                token.directory(),
                token.directory().resolveSibling(token.directory().getFileName() + ".away"));
        KeyStoreUnavailableException signing = assertThrows(
                KeyStoreUnavailableException.class,
                () -> factory.device(
                        before,
                        new DeviceId("while-away"),
                        TestPki.ec("secp256r1").getPublic(),
                        Duration.ofDays(1),
                        CRL_URL));
        assertTrue(signing.getMessage().startsWith("the CA key cannot sign"), signing.getMessage());
        KeyStoreUnavailableException lookUp =
                assertThrows(KeyStoreUnavailableException.class, () -> store.credential(CaKeyStore.DEVICE_CA));
        assertTrue(lookUp.getMessage().startsWith("PKCS#11 token in slot " + token.slot()), lookUp.getMessage());
        assertFalse(lookUp.getMessage().contains(SoftHsm.USER_PIN));
        assertFalse(lookUp.getMessage().contains("\n"));
    }

    @Test
    void aLostLoginFailsTheOldKeyHandleAndTheNextLookUpLogsInAgain() throws Exception {
        Pkcs11CaKeyStore store = SoftHsm.newToken().open();
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(new PkiLayout(dir.resolve("data")), store, List.of(), CRL_URL);
        CertificateFactory factory = new CertificateFactory(TestPki.BC, TestPki.RANDOM, Clock.systemUTC());
        CaCredential before = store.credential(CaKeyStore.DEVICE_CA);

        // what a restarted HSM or a dropped connection does to the module's sessions
        ((java.security.AuthProvider) store.provider()).logout();
        KeyStoreUnavailableException stale = assertThrows(
                KeyStoreUnavailableException.class,
                () -> factory.device(
                        before,
                        new DeviceId("stale"),
                        TestPki.ec("secp256r1").getPublic(),
                        Duration.ofDays(1),
                        CRL_URL));
        assertTrue(stale.getMessage().startsWith("the CA key cannot sign"), stale.getMessage());

        X509Certificate after = factory.device(
                store.credential(CaKeyStore.DEVICE_CA),
                new DeviceId("after"),
                TestPki.ec("secp256r1").getPublic(),
                Duration.ofDays(1),
                CRL_URL);
        after.verify(before.publicKey(), TestPki.BC);
    }

    @Test
    void aTokenWithTheRootKeptOfflineStillIssuesAndAPartialPkiIsRefused() throws Exception {
        PkiLayout layout = new PkiLayout(dir.resolve("data"));
        SoftHsm.Token token = SoftHsm.newToken();
        Pkcs11CaKeyStore store = token.open();
        new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC()).runInToken(layout, store, List.of(), CRL_URL);
        KeyStore raw = KeyStore.getInstance("PKCS11", store.provider());
        raw.load(null, SoftHsm.USER_PIN.toCharArray());
        raw.deleteEntry(CaKeyStore.ROOT_CA); // the key ceremony's step 3: the root leaves the online token

        PkiBootstrap.Result online = new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .runInToken(layout, token.open(), List.of(), CRL_URL);
        assertTrue(online.changedNothing(), online.changes().toString());
        assertTrue(
                online.notes().get(0).contains("kept offline"), online.notes().toString());
        Pkcs11CaKeyStore reopened = token.open();
        assertFalse(reopened.contains(CaKeyStore.ROOT_CA));
        X509Certificate device = new CertificateFactory(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                .device(
                        reopened.credential(CaKeyStore.DEVICE_CA),
                        new DeviceId("while-root-offline"),
                        TestPki.ec("secp256r1").getPublic(),
                        Duration.ofDays(1),
                        CRL_URL);
        device.verify(reopened.credential(CaKeyStore.DEVICE_CA).publicKey(), TestPki.BC);

        raw.deleteEntry(CaKeyStore.FIRMWARE_SIGNING);
        KeyStoreUnavailableException partial = assertThrows(
                KeyStoreUnavailableException.class,
                () -> new PkiBootstrap(TestPki.BC, TestPki.RANDOM, Clock.systemUTC())
                        .runInToken(layout, token.open(), List.of(), CRL_URL));
        assertTrue(partial.getMessage().contains("holds only [device-ca]"), partial.getMessage());
    }

    @Test
    void wrongPinMissingModuleAndOpenPinFileAreOneClearLine() throws Exception {
        SoftHsm.Token token = SoftHsm.newToken();
        KeyStoreUnavailableException wrongPin = assertThrows(
                KeyStoreUnavailableException.class,
                () -> Pkcs11CaKeyStore.open(token.settings(), "not-the-pin".toCharArray()));
        assertTrue(wrongPin.getMessage().endsWith("wrong PIN"), wrongPin.getMessage());
        assertFalse(wrongPin.getMessage().contains("not-the-pin"));

        KeyStoreUnavailableException noModule = assertThrows(
                KeyStoreUnavailableException.class,
                () -> Pkcs11CaKeyStore.open(
                        Pkcs11Settings.slot(dir.resolve("missing.so"), token.slot()), SoftHsm.USER_PIN.toCharArray()));
        assertTrue(noModule.getMessage().contains("does not exist"), noModule.getMessage());

        Path pinFile = write("pin", SoftHsm.USER_PIN + "\n");
        Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-r--r--"));
        KeyStoreUnavailableException open = assertThrows(
                KeyStoreUnavailableException.class,
                () -> KeyStorePasswords.pin(Optional.empty(), Optional.of(pinFile)));
        assertTrue(open.getMessage().contains("chmod 600"), open.getMessage());
        Files.setPosixFilePermissions(pinFile, PosixFilePermissions.fromString("rw-------"));
        char[] pin = KeyStorePasswords.pin(Optional.empty(), Optional.of(pinFile));
        assertTrue(Pkcs11CaKeyStore.open(token.settings(), pin).provider() != null);
    }

    private static List<String> keyAliases(PkiLayout layout, Path file) throws Exception {
        char[] password = Files.readString(layout.tlsPasswordFile()).strip().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return Collections.list(ks.aliases()).stream()
                .filter(alias -> {
                    try {
                        return ks.isKeyEntry(alias);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static Openssl.Result verify(PkiLayout layout, Path crlPem, Path certificate) throws Exception {
        return Openssl.run(
                "verify",
                "-CAfile",
                layout.caChainPem().toString(),
                "-crl_check",
                "-CRLfile",
                crlPem.toString(),
                certificate.toString());
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
