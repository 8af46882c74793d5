package org.devicetrust.pki.control;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** CA keys in a password-protected PKCS#12 file (the JDK's implementation, readable by Payara and OpenSSL). */
public final class Pkcs12CaKeyStore implements CaKeyStore {

    /** A CA key store is a few KiB; anything far larger is not ours. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private final KeyStore keyStore;
    private final char[] password;
    private final Path path;
    private final Provider signingProvider;

    private Pkcs12CaKeyStore(Path path, KeyStore keyStore, char[] password, Provider signingProvider) {
        this.path = path;
        this.keyStore = keyStore;
        this.password = password.clone();
        this.signingProvider = signingProvider;
    }

    /**
     * Opens and checks the file. Private keys are re-imported into {@code signingProvider} so signing runs in
     * that provider.
     *
     * @throws KeyStoreUnavailableException with one clear line for a missing file, wrong password or corruption
     */
    public static Pkcs12CaKeyStore open(Path path, char[] password, Provider signingProvider) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(path)) {
                throw new KeyStoreUnavailableException("key store " + path + " does not exist");
            }
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new KeyStoreUnavailableException("key store " + path + " is corrupted (too large)");
            }
            bytes = Files.readAllBytes(path);
            if (!isOneDerStructure(bytes)) {
                throw new KeyStoreUnavailableException("key store " + path + " is corrupted or not PKCS#12");
            }
        } catch (IOException e) {
            throw new KeyStoreUnavailableException("key store " + path + " cannot be read: " + e.getMessage());
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), password);
            return new Pkcs12CaKeyStore(path, ks, password, signingProvider);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new KeyStoreUnavailableException("key store " + path + ": wrong password");
            }
            throw new KeyStoreUnavailableException("key store " + path + " is corrupted or not PKCS#12");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyStoreUnavailableException("key store " + path + " is corrupted or not PKCS#12");
        }
    }

    /**
     * The JDK reader ignores bytes after the PKCS#12 structure; a key store with a tail (truncated copy, two files
     * concatenated, tampering) is refused instead of being half-trusted.
     */
    static boolean isOneDerStructure(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != 0x30) {
            return false;
        }
        int first = bytes[1] & 0xff;
        if (first < 0x80) {
            return 2 + first == bytes.length;
        }
        int lengthBytes = first & 0x7f;
        if (lengthBytes == 0 || lengthBytes > 4 || bytes.length < 2 + lengthBytes) {
            return false;
        }
        long length = 0;
        for (int i = 0; i < lengthBytes; i++) {
            length = (length << 8) | (bytes[2 + i] & 0xff);
        }
        return 2 + lengthBytes + length == bytes.length;
    }

    /** Writes credentials (keys with their chains) as one PKCS#12 file, atomically. */
    public static void write(Path path, char[] password, Map<String, CaCredential> credentials) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, password);
            for (Map.Entry<String, CaCredential> entry : credentials.entrySet()) {
                CaCredential c = entry.getValue();
                ks.setKeyEntry(
                        entry.getKey(), c.privateKey(), password, c.chain().toArray(new Certificate[0]));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            SecureFiles.writeAtomically(path, out.toByteArray(), true);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyStoreUnavailableException("key store " + path + " cannot be written: " + e.getMessage());
        }
    }

    /** Writes trusted certificates only (a trust store), atomically. */
    public static void writeTrustStore(Path path, char[] password, Map<String, X509Certificate> trusted) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, password);
            for (Map.Entry<String, X509Certificate> entry : trusted.entrySet()) {
                ks.setCertificateEntry(entry.getKey(), entry.getValue());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            SecureFiles.writeAtomically(path, out.toByteArray(), true);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyStoreUnavailableException("trust store " + path + " cannot be written: " + e.getMessage());
        }
    }

    @Override
    public synchronized void store(String alias, CaCredential credential) {
        if (ROOT_CA.equals(alias) || DEVICE_CA.equals(alias) || FIRMWARE_SIGNING.equals(alias)) {
            throw new IllegalArgumentException("the CA keys are not replaced in a running store");
        }
        try {
            keyStore.setKeyEntry(
                    alias, credential.privateKey(), password, credential.chain().toArray(new Certificate[0]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            keyStore.store(out, password);
            SecureFiles.writeAtomically(path, out.toByteArray(), true);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyStoreUnavailableException("key store " + path + " cannot be written: " + e.getMessage());
        }
    }

    @Override
    public synchronized boolean contains(String alias) {
        try {
            return keyStore.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public synchronized CaCredential credential(String alias) {
        try {
            Key key = keyStore.getKey(alias, password);
            Certificate[] chain = keyStore.getCertificateChain(alias);
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                throw new KeyStoreUnavailableException("key store " + path + " has no key entry '" + alias + "'");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : chain) {
                certificates.add((X509Certificate) c);
            }
            PrivateKey imported = KeyFactory.getInstance(privateKey.getAlgorithm(), signingProvider)
                    .generatePrivate(new PKCS8EncodedKeySpec(privateKey.getEncoded()));
            return new CaCredential(certificates.get(0), imported, certificates);
        } catch (UnrecoverableKeyException e) {
            throw new KeyStoreUnavailableException("key store " + path + ": wrong password for '" + alias + "'");
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyStoreUnavailableException("key store " + path + " entry '" + alias + "' is corrupted");
        }
    }
}
