package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiBootstrapTest {

    private static final URI CRL_URL = URI.create("http://localhost:8080/pki/crl/device-ca.crl");

    @TempDir
    Path dataDir;

    private PkiBootstrap bootstrap() {
        return new PkiBootstrap(TestPki.BC, TestPki.RANDOM, TestPki.CLOCK);
    }

    @Test
    void firstRunCreatesTheWholeLayoutWithOwnerOnlySecrets() throws Exception {
        PkiLayout layout = new PkiLayout(dataDir);
        PkiBootstrap.Result result = bootstrap().run(layout, Optional.empty(), List.of("backend.example"), CRL_URL);
        assertTrue(result.createdCa());
        for (Path file : List.of(
                layout.caKeyStore(),
                layout.serverKeyStore(),
                layout.deviceTrustStore(),
                layout.rootCaPem(),
                layout.deviceCaPem(),
                layout.caChainPem(),
                layout.crlFile(),
                layout.caPasswordFile(),
                layout.tlsPasswordFile())) {
            assertTrue(Files.isRegularFile(file), file.toString());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.secretsDir())));
        for (Path secret : List.of(
                layout.caPasswordFile(), layout.tlsPasswordFile(), layout.caKeyStore(), layout.serverKeyStore())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        }
        String caPassword = Files.readString(layout.caPasswordFile()).strip();
        assertTrue(caPassword.length() >= 32);

        KeyStore ca = load(layout.caKeyStore(), caPassword);
        assertEquals(List.of("device-ca", "firmware-signing", "root-ca"), sorted(ca));
        X509Certificate root = (X509Certificate) ca.getCertificate("root-ca");
        X509Certificate deviceCa = (X509Certificate) ca.getCertificate("device-ca");
        assertEquals(2, ca.getCertificateChain("device-ca").length);
        assertEquals(root, ca.getCertificateChain("device-ca")[1]);
        assertEquals(root, ca.getCertificateChain("firmware-signing")[1]);
        deviceCa.verify(root.getPublicKey());
        assertEquals(PkiBootstrap.fingerprint(root), result.rootFingerprint());

        String tlsPassword = Files.readString(layout.tlsPasswordFile()).strip();
        KeyStore server = load(layout.serverKeyStore(), tlsPassword);
        assertEquals(List.of("devicetrust-server"), sorted(server));
        assertTrue(server.isKeyEntry("devicetrust-server"));
        X509Certificate serverCertificate = (X509Certificate) server.getCertificate("devicetrust-server");
        assertEquals(root, server.getCertificateChain("devicetrust-server")[1]);
        serverCertificate.verify(root.getPublicKey());
        assertTrue(serverCertificate.getSubjectAlternativeNames().stream()
                .anyMatch(san -> "backend.example".equals(san.get(1))));
        assertTrue(
                new String(
                                serverCertificate.getExtensionValue("2.5.29.31"),
                                java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("http://localhost:8080/pki/crl/root-ca.crl"),
                "CRL distribution point of the server");
        assertTrue(new RootCrl(TestPki.BC, TestPki.CLOCK)
                .der(layout.rootCrlFile(), root)
                .isPresent());

        KeyStore trust = load(layout.deviceTrustStore(), tlsPassword);
        assertEquals(List.of("device-ca"), sorted(trust));
        assertTrue(trust.isCertificateEntry("device-ca"));
        assertEquals(deviceCa, trust.getCertificate("device-ca"));

        String chain = Files.readString(layout.caChainPem());
        assertEquals(Pem.certificates(List.of(deviceCa, root)), chain);
        assertEquals(Pem.certificate(root), Files.readString(layout.rootCaPem()));
        assertEquals(Pem.certificate(deviceCa), Files.readString(layout.deviceCaPem()));
    }

    @Test
    void secondRunChangesNothingAndSaysSo() throws Exception {
        PkiLayout layout = new PkiLayout(dataDir);
        PkiBootstrap.Result first = bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL);
        Map<Path, byte[]> before = snapshot(layout);
        PkiBootstrap.Result second = bootstrap().run(layout, Optional.empty(), List.of("new.example"), CRL_URL);
        assertFalse(second.createdCa());
        assertTrue(second.changedNothing(), second.changes().toString());
        assertEquals(first.rootFingerprint(), second.rootFingerprint());
        assertTrue(second.notes().get(0).contains("new.example"));
        Map<Path, byte[]> after = snapshot(layout);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((path, bytes) -> assertArrayEquals(bytes, after.get(path), path.toString()));
    }

    @Test
    void aServerCertificateWithoutCrlDistributionPointIsReissuedWithOne() throws Exception {
        PkiLayout layout = new PkiLayout(dataDir);
        bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL);
        char[] tlsPassword = Files.readString(layout.tlsPasswordFile()).strip().toCharArray();
        char[] caPassword = Files.readString(layout.caPasswordFile()).strip().toCharArray();
        CaCredential root = Pkcs12CaKeyStore.open(layout.caKeyStore(), caPassword, TestPki.BC)
                .credential(CaKeyStore.ROOT_CA);
        java.security.KeyPair keys =
                java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate old = new CertificateFactory(TestPki.BC, TestPki.RANDOM, TestPki.CLOCK)
                .tlsServer(root, keys.getPublic(), List.of());
        Pkcs12CaKeyStore.write(
                layout.serverKeyStore(),
                tlsPassword,
                Map.of(
                        PkiLayout.SERVER_ALIAS,
                        new CaCredential(old, keys.getPrivate(), List.of(old, root.certificate()))));

        PkiBootstrap.Result renewed = bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL);
        assertTrue(
                renewed.changes().stream().anyMatch(c -> c.contains("no CRL distribution point")),
                renewed.changes().toString());
        X509Certificate server = (X509Certificate)
                load(layout.serverKeyStore(), new String(tlsPassword)).getCertificate(PkiLayout.SERVER_ALIAS);
        assertTrue(server.getExtensionValue("2.5.29.31") != null);
        assertTrue(bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL).changedNothing());
    }

    @Test
    void missingDerivedFilesAreRecreatedFromTheSameCa() throws Exception {
        PkiLayout layout = new PkiLayout(dataDir);
        PkiBootstrap.Result first = bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL);
        byte[] root = Files.readAllBytes(layout.rootCaPem());
        Files.delete(layout.rootCaPem());
        Files.delete(layout.deviceTrustStore());
        PkiBootstrap.Result repair = bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL);
        assertEquals(2, repair.changes().size(), repair.changes().toString());
        assertArrayEquals(root, Files.readAllBytes(layout.rootCaPem()));
        assertEquals(first.rootFingerprint(), repair.rootFingerprint());
    }

    @Test
    void configuredPasswordIsUsedAndNoPasswordFileWritten() throws Exception {
        PkiLayout layout = new PkiLayout(dataDir);
        bootstrap().run(layout, Optional.of("correct horse battery staple 42!"), List.of(), CRL_URL);
        assertFalse(Files.exists(layout.caPasswordFile()));
        load(layout.caKeyStore(), "correct horse battery staple 42!");
        KeyStoreUnavailableException e = assertThrows(
                KeyStoreUnavailableException.class,
                () -> bootstrap().run(layout, Optional.of("wrong"), List.of(), CRL_URL));
        assertEquals("key store " + layout.caKeyStore() + ": wrong password", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void corruptedKeyStoreIsOneClearLine() throws Exception {
        PkiLayout layout = new PkiLayout(dataDir);
        bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL);
        byte[] original = Files.readAllBytes(layout.caKeyStore());
        byte[] flipped = original.clone();
        flipped[flipped.length / 2] ^= 0x55;
        flipped[flipped.length / 3] ^= 0x55;
        Files.write(layout.caKeyStore(), flipped);
        KeyStoreUnavailableException e = assertThrows(
                KeyStoreUnavailableException.class,
                () -> bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL));
        assertTrue(e.getMessage().startsWith("key store " + layout.caKeyStore()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Files.write(layout.caKeyStore(), java.util.Arrays.copyOf(original, original.length + 16));
        e = assertThrows(
                KeyStoreUnavailableException.class,
                () -> bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL));
        assertEquals("key store " + layout.caKeyStore() + " is corrupted or not PKCS#12", e.getMessage());

        Files.writeString(layout.caKeyStore(), "not a key store");
        e = assertThrows(
                KeyStoreUnavailableException.class,
                () -> bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL));
        assertEquals("key store " + layout.caKeyStore() + " is corrupted or not PKCS#12", e.getMessage());

        Files.write(layout.caKeyStore(), original);
        assertTrue(bootstrap().run(layout, Optional.empty(), List.of(), CRL_URL).changedNothing());
    }

    @Test
    void keyStoreBehindTheInterfaceGivesCredentialsThatSign() {
        PkiLayout layout = new PkiLayout(dataDir);
        bootstrap().run(layout, Optional.of("pw-for-this-test-0123456789abcdef"), List.of(), CRL_URL);
        CaKeyStore store = Pkcs12CaKeyStore.open(
                layout.caKeyStore(), "pw-for-this-test-0123456789abcdef".toCharArray(), TestPki.BC);
        assertTrue(store.contains(CaKeyStore.DEVICE_CA));
        assertFalse(store.contains("nope"));
        CaCredential deviceCa = store.credential(CaKeyStore.DEVICE_CA);
        assertEquals(2, deviceCa.chain().size());
        assertFalse(deviceCa.toString().contains("Private"));
        new CrlFactory(TestPki.BC)
                .create(deviceCa, java.math.BigInteger.TEN, TestPki.NOW, TestPki.NOW.plusSeconds(60), List.of());
        assertThrows(KeyStoreUnavailableException.class, () -> store.credential("nope"));
    }

    @Test
    void invalidHostNameIsRefusedBeforeAnythingIsWritten() {
        PkiLayout layout = new PkiLayout(dataDir);
        assertThrows(
                IllegalArgumentException.class,
                () -> bootstrap().run(layout, Optional.empty(), List.of("not a host"), CRL_URL));
        assertFalse(Files.exists(layout.pkiDir()));
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    private static List<String> sorted(KeyStore ks) throws Exception {
        return Collections.list(ks.aliases()).stream().sorted().toList();
    }

    private Map<Path, byte[]> snapshot(PkiLayout layout) throws Exception {
        Map<Path, byte[]> files = new TreeMap<>();
        try (var walk = Files.walk(dataDir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(p, Files.readAllBytes(p));
            }
        }
        return files;
    }
}
