package org.devicetrust.pki.control;

import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CA keys in a PKCS#11 token (an HSM; SoftHSM2 in tests), through a SunPKCS11 provider instance configured for
 * this store alone (not registered in the JVM). Keys are generated in the token or imported into it, and are
 * sensitive and not extractable from then on: signing happens in the token, and {@link CaCredential#keyProvider()}
 * is this store's provider, the only one that can use them. Certificates are kept in the token beside their keys.
 *
 * <p>A token that goes away (removed, its service stopped, the session lost) makes the next use fail with
 * {@link KeyStoreUnavailableException}; each use looks the key up again and logs in again when the first attempt
 * fails, so signing resumes by itself when the token is back. There is no fallback to a file.
 */
public final class Pkcs11CaKeyStore implements CaKeyStore {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Pkcs11Settings settings;
    private final Provider provider;
    private final char[] pin;
    private KeyStore keyStore;

    private Pkcs11CaKeyStore(Pkcs11Settings settings, Provider provider, char[] pin, KeyStore keyStore) {
        this.settings = settings;
        this.provider = provider;
        this.pin = pin.clone();
        this.keyStore = keyStore;
    }

    /**
     * Finds the token (a label is resolved to its slot), configures a provider for it and logs in.
     *
     * @throws KeyStoreUnavailableException with one clear line: no module, no such slot or token, no token or
     *     several with the label, label and slot disagreeing, wrong PIN
     */
    public static Pkcs11CaKeyStore open(Pkcs11Settings configured, char[] pin) {
        if (!Files.isRegularFile(configured.library())) {
            throw new KeyStoreUnavailableException(
                    configured.describe() + ": the PKCS#11 module " + configured.library() + " does not exist");
        }
        if (pin == null || pin.length == 0) {
            throw new KeyStoreUnavailableException(configured.describe() + ": no PIN configured");
        }
        Pkcs11Settings settings = Pkcs11Tokens.resolve(configured);
        Provider provider;
        try {
            String name = "DeviceTrust-" + INSTANCES.incrementAndGet();
            provider = Security.getProvider("SunPKCS11").configure("--" + settings.sunPkcs11Config(name));
        } catch (RuntimeException e) {
            throw new KeyStoreUnavailableException(settings.describe() + " cannot be opened (no such slot or token,"
                    + " or the module failed: " + rootMessage(e) + ")");
        }
        return new Pkcs11CaKeyStore(settings, provider, pin, login(settings, provider, pin));
    }

    private static KeyStore login(Pkcs11Settings settings, Provider provider, char[] pin) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return ks;
        } catch (IOException e) {
            String cause = rootMessage(e);
            if (cause.contains("CKR_PIN_INCORRECT") || cause.contains("CKR_PIN_LEN_RANGE")) {
                throw new KeyStoreUnavailableException(settings.describe() + ": wrong PIN");
            }
            if (cause.contains("CKR_PIN_LOCKED")) {
                throw new KeyStoreUnavailableException(settings.describe() + ": the PIN is locked");
            }
            throw new KeyStoreUnavailableException(settings.describe() + ": login failed (" + cause + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyStoreUnavailableException(settings.describe() + " is not available (" + rootMessage(e) + ")");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** The provider that signs with this store's keys. */
    public Provider provider() {
        return provider;
    }

    public Pkcs11Settings settings() {
        return settings;
    }

    /**
     * A new EC key pair generated in the token: the private key is a token object, sensitive and not extractable.
     * It has no alias until {@link #install} gives it its certificate chain.
     */
    public synchronized KeyPair generate(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyStoreUnavailableException(
                    settings.describe() + ": cannot generate an EC " + curve + " key (" + rootMessage(e) + ")");
        }
    }

    /** Names a key generated in the token by {@code alias} and stores its certificate chain beside it. */
    public synchronized void install(String alias, PrivateKey tokenKey, List<X509Certificate> chain) {
        setEntry(alias, tokenKey, chain);
    }

    /**
     * Copies key entries of another store (a PKCS#12 file being migrated) into the token, where they become
     * sensitive and not extractable. An alias the token already holds is left as it is.
     *
     * @return the aliases copied
     */
    public synchronized List<String> importFrom(CaKeyStore source, List<String> aliases) {
        List<String> copied = new ArrayList<>();
        for (String alias : aliases) {
            if (!source.contains(alias) || contains(alias)) {
                continue;
            }
            CaCredential credential = source.credential(alias);
            setEntry(alias, credential.privateKey(), credential.chain());
            copied.add(alias);
        }
        return copied;
    }

    private void setEntry(String alias, PrivateKey key, List<X509Certificate> chain) {
        try {
            keyStore.setKeyEntry(alias, key, null, chain.toArray(new Certificate[0]));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyStoreUnavailableException(
                    settings.describe() + ": cannot store '" + alias + "' (" + rootMessage(e) + ")");
        }
    }

    /** Renewed keys (the OCSP signer) are imported into the token, replacing the old entry. */
    @Override
    public synchronized void store(String alias, CaCredential credential) {
        if (ROOT_CA.equals(alias) || DEVICE_CA.equals(alias) || FIRMWARE_SIGNING.equals(alias)) {
            throw new IllegalArgumentException("the CA keys are not replaced in a running store");
        }
        if (contains(alias)) {
            try {
                keyStore.deleteEntry(alias);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new KeyStoreUnavailableException(
                        settings.describe() + ": cannot replace '" + alias + "' (" + rootMessage(e) + ")");
            }
        }
        setEntry(alias, credential.privateKey(), credential.chain());
    }

    @Override
    public synchronized boolean contains(String alias) {
        try {
            return keyStore.isKeyEntry(alias);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Looks the key up in the token. When that fails (the token was away, its session or login lost), logs in
     * again once and retries, so a token that is back is used again without a restart.
     */
    @Override
    public synchronized CaCredential credential(String alias) {
        try {
            return lookUp(alias);
        } catch (KeyStoreUnavailableException first) {
            keyStore = login(settings, provider, pin);
            return lookUp(alias);
        }
    }

    private CaCredential lookUp(String alias) {
        try {
            Key key = keyStore.getKey(alias, null);
            Certificate[] chain = keyStore.getCertificateChain(alias);
            if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                throw new KeyStoreUnavailableException(settings.describe() + " has no key entry '" + alias + "'");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : chain) {
                certificates.add((X509Certificate) c);
            }
            return new CaCredential(certificates.get(0), privateKey, certificates, provider);
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof KeyStoreUnavailableException k) {
                throw k;
            }
            throw new KeyStoreUnavailableException(
                    settings.describe() + ": cannot read '" + alias + "' (" + rootMessage(e) + ")");
        }
    }
}
