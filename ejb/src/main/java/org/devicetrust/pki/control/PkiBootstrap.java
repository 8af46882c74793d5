package org.devicetrust.pki.control;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * Creates the DeviceTrust PKI in a data directory, once. Root CA (EC P-384, 20 years), Device Issuing CA
 * (EC P-256, 10 years, path length 0), firmware signing key (EC P-256, certified by the root for code signing),
 * TLS server certificate (EC P-256, issued directly by the root so devices that pin the root verify the
 * backend with a two-certificate chain; the Device CA only ever signs devices, so the device listener's trust
 * store cannot accept a server certificate as a client).
 *
 * <p>Idempotent: when the CA key store exists it is opened (which checks the password) and only missing
 * derived files (PEM copies, TLS key and trust stores) are re-created; a complete data directory is left as it
 * is. The CA key store is written last, so an interrupted first run simply starts over.
 */
public final class PkiBootstrap {

    /** Validity of the first CRL written with a new CA; the server re-publishes on start. */
    static final Duration INITIAL_CRL_VALIDITY = Duration.ofHours(24);

    /** What a run did. {@code changes} is empty when nothing was changed. */
    public record Result(boolean createdCa, List<String> changes, List<String> notes, String rootFingerprint) {
        public boolean changedNothing() {
            return changes.isEmpty();
        }
    }

    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;
    private final CertificateFactory certificates;

    public PkiBootstrap(Provider provider, SecureRandom random, Clock clock) {
        this.provider = provider;
        this.random = random;
        this.clock = clock;
        this.certificates = new CertificateFactory(provider, random, clock);
    }

    /**
     * @param caPassword the configured CA key store password, or empty to use/generate the password file
     * @param hostNames  extra DNS names or IP addresses for the TLS server certificate
     * @param crlUrl     CRL distribution point (only used for the first CRL's location, informative)
     * @throws KeyStoreUnavailableException (one clear line) when an existing key store cannot be opened
     * @throws IllegalArgumentException     for an invalid host name
     */
    public Result run(PkiLayout layout, Optional<String> caPassword, List<String> hostNames, URI crlUrl) {
        List<GeneralName> wantedNames = new ArrayList<>();
        for (String host : hostNames) {
            wantedNames.add(CertificateFactory.hostName(host));
        }
        List<String> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            SecureFiles.createDirectory(layout.dataDir(), false);
            SecureFiles.createDirectory(layout.pkiDir(), false);
            SecureFiles.createDirectory(layout.crlDir(), false);
            SecureFiles.createDirectory(layout.secretsDir(), true);

            boolean createCa = !Files.exists(layout.caKeyStore());
            CaCredential root;
            CaCredential deviceCa;
            CaCredential firmware;
            if (createCa) {
                boolean passwordFileExisted = Files.exists(layout.caPasswordFile());
                char[] password = KeyStorePasswords.resolve(caPassword, layout.caPasswordFile(), true, random);
                if (!passwordFileExisted && Files.exists(layout.caPasswordFile())) {
                    changes.add("generated " + layout.relative(layout.caPasswordFile()) + " (0600)");
                }
                KeyPair rootKeys = ecKeyPair("secp384r1");
                X509Certificate rootCertificate = certificates.rootCa(rootKeys.getPublic(), rootKeys.getPrivate());
                root = new CaCredential(rootCertificate, rootKeys.getPrivate(), List.of(rootCertificate));
                KeyPair deviceKeys = ecKeyPair("secp256r1");
                X509Certificate deviceCertificate = certificates.deviceCa(root, deviceKeys.getPublic());
                deviceCa = new CaCredential(
                        deviceCertificate, deviceKeys.getPrivate(), List.of(deviceCertificate, rootCertificate));
                KeyPair firmwareKeys = ecKeyPair("secp256r1");
                X509Certificate firmwareCertificate = certificates.firmwareSigning(root, firmwareKeys.getPublic());
                firmware = new CaCredential(
                        firmwareCertificate, firmwareKeys.getPrivate(), List.of(firmwareCertificate, rootCertificate));
                writeFreshDerived(layout, root, deviceCa, firmware, wantedNames, crlUrl, changes, notes);
                Map<String, CaCredential> entries = new LinkedHashMap<>();
                entries.put(CaKeyStore.ROOT_CA, root);
                entries.put(CaKeyStore.DEVICE_CA, deviceCa);
                entries.put(CaKeyStore.FIRMWARE_SIGNING, firmware);
                Pkcs12CaKeyStore.write(layout.caKeyStore(), password, entries);
                changes.add(
                        0,
                        "created " + layout.relative(layout.caKeyStore()) + " (root-ca EC P-384, device-ca "
                                + "EC P-256, firmware-signing EC P-256)");
            } else {
                char[] password = KeyStorePasswords.resolve(caPassword, layout.caPasswordFile(), false, random);
                CaKeyStore store = Pkcs12CaKeyStore.open(layout.caKeyStore(), password, provider);
                root = store.credential(CaKeyStore.ROOT_CA);
                deviceCa = store.credential(CaKeyStore.DEVICE_CA);
                firmware = store.credential(CaKeyStore.FIRMWARE_SIGNING);
                writeDerived(layout, root, deviceCa, firmware, wantedNames, RootCrl.url(crlUrl), changes, notes);
            }
            return new Result(createCa, List.copyOf(changes), List.copyOf(notes), fingerprint(root.certificate()));
        } catch (IOException e) {
            throw new KeyStoreUnavailableException(
                    "cannot write the PKI files under " + layout.dataDir() + ": " + e.getMessage());
        }
    }

    /**
     * The same PKI with the CA keys in a PKCS#11 token instead of the PKCS#12 file: root CA, Device CA and firmware
     * signing key are generated in the token (sensitive, not extractable) and sign there; no CA key file is
     * written. The derived files (PEM copies, first CRL, TLS key and trust stores for the listeners) are the
     * same as with the file. The keys are named in the token last, so an interrupted first run starts over.
     *
     * @throws KeyStoreUnavailableException when the token holds only part of a PKI, or cannot be used
     */
    public Result runInToken(PkiLayout layout, Pkcs11CaKeyStore token, List<String> hostNames, URI crlUrl) {
        List<GeneralName> wantedNames = new ArrayList<>();
        for (String host : hostNames) {
            wantedNames.add(CertificateFactory.hostName(host));
        }
        List<String> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (String alias : List.of(CaKeyStore.ROOT_CA, CaKeyStore.DEVICE_CA, CaKeyStore.FIRMWARE_SIGNING)) {
            if (token.contains(alias)) {
                present.add(alias);
            }
        }
        boolean rootOffline = present.equals(List.of(CaKeyStore.DEVICE_CA, CaKeyStore.FIRMWARE_SIGNING));
        if (!present.isEmpty() && present.size() < 3 && !rootOffline) {
            throw new KeyStoreUnavailableException(token.settings().describe() + " holds only " + present
                    + " of a DeviceTrust PKI; remove those entries or use another token");
        }
        if (rootOffline) {
            return onlineKeysOnly(layout, token);
        }
        try {
            SecureFiles.createDirectory(layout.dataDir(), false);
            SecureFiles.createDirectory(layout.pkiDir(), false);
            SecureFiles.createDirectory(layout.crlDir(), false);
            SecureFiles.createDirectory(layout.secretsDir(), true);
            boolean createCa = present.isEmpty();
            CaCredential root;
            CaCredential deviceCa;
            CaCredential firmware;
            if (createCa) {
                Provider inToken = token.provider();
                KeyPair rootKeys = token.generate("secp384r1");
                X509Certificate rootCertificate =
                        certificates.rootCa(rootKeys.getPublic(), rootKeys.getPrivate(), inToken);
                root = new CaCredential(rootCertificate, rootKeys.getPrivate(), List.of(rootCertificate), inToken);
                KeyPair deviceKeys = token.generate("secp256r1");
                X509Certificate deviceCertificate = certificates.deviceCa(root, deviceKeys.getPublic());
                deviceCa = new CaCredential(
                        deviceCertificate,
                        deviceKeys.getPrivate(),
                        List.of(deviceCertificate, rootCertificate),
                        inToken);
                KeyPair firmwareKeys = token.generate("secp256r1");
                X509Certificate firmwareCertificate = certificates.firmwareSigning(root, firmwareKeys.getPublic());
                firmware = new CaCredential(
                        firmwareCertificate,
                        firmwareKeys.getPrivate(),
                        List.of(firmwareCertificate, rootCertificate),
                        inToken);
                writeFreshDerived(layout, root, deviceCa, firmware, wantedNames, crlUrl, changes, notes);
                token.install(CaKeyStore.ROOT_CA, root.privateKey(), root.chain());
                token.install(CaKeyStore.DEVICE_CA, deviceCa.privateKey(), deviceCa.chain());
                token.install(CaKeyStore.FIRMWARE_SIGNING, firmware.privateKey(), firmware.chain());
                changes.add(
                        0,
                        "generated in " + token.settings().describe() + ": root-ca EC P-384, device-ca EC P-256,"
                                + " firmware-signing EC P-256 (sensitive, not extractable)");
            } else {
                root = token.credential(CaKeyStore.ROOT_CA);
                deviceCa = token.credential(CaKeyStore.DEVICE_CA);
                firmware = token.credential(CaKeyStore.FIRMWARE_SIGNING);
                writeDerived(layout, root, deviceCa, firmware, wantedNames, RootCrl.url(crlUrl), changes, notes);
            }
            return new Result(createCa, List.copyOf(changes), List.copyOf(notes), fingerprint(root.certificate()));
        } catch (IOException e) {
            throw new KeyStoreUnavailableException(
                    "cannot write the PKI files under " + layout.dataDir() + ": " + e.getMessage());
        }
    }

    /**
     * The token holds the issuing keys only, the root being kept offline (docs/deployment.md, key ceremony):
     * nothing that needs the root key can be made here, so the files it signed must all be in place.
     */
    private Result onlineKeysOnly(PkiLayout layout, Pkcs11CaKeyStore token) {
        CaCredential deviceCa = token.credential(CaKeyStore.DEVICE_CA);
        token.credential(CaKeyStore.FIRMWARE_SIGNING);
        X509Certificate root = deviceCa.chain().get(deviceCa.chain().size() - 1);
        for (Path needed : List.of(
                layout.rootCaPem(),
                layout.deviceCaPem(),
                layout.caChainPem(),
                layout.firmwareSigningPem(),
                layout.crlFile(),
                layout.tlsPasswordFile(),
                layout.serverKeyStore(),
                layout.deviceTrustStore())) {
            if (!Files.exists(needed)) {
                throw new KeyStoreUnavailableException(layout.relative(needed) + " is missing and the root key is not"
                        + " in " + token.settings().describe() + ": make it on the machine that holds the root");
            }
        }
        return new Result(
                false,
                List.of(),
                List.of("root-ca is not in the token (kept offline): the root CRL and the TLS server certificate are"
                        + " signed where the root is"),
                fingerprint(root));
    }

    /**
     * The files derived from new CA keys, for a first bootstrap in either key store. Derived files of an earlier,
     * interrupted run belong to other keys (a root CRL among them, which would otherwise be kept until due): all are
     * replaced, and the Device CA's first CRL (number 1, empty) is written.
     */
    private void writeFreshDerived(
            PkiLayout layout,
            CaCredential root,
            CaCredential deviceCa,
            CaCredential firmware,
            List<GeneralName> wantedNames,
            URI crlUrl,
            List<String> changes,
            List<String> notes)
            throws IOException {
        for (Path stale : List.of(
                layout.serverKeyStore(),
                layout.deviceTrustStore(),
                layout.rootCaPem(),
                layout.deviceCaPem(),
                layout.caChainPem(),
                layout.firmwareSigningPem(),
                layout.crlFile(),
                layout.rootCrlFile())) {
            Files.deleteIfExists(stale);
        }
        writeDerived(layout, root, deviceCa, firmware, wantedNames, RootCrl.url(crlUrl), changes, notes);
        byte[] firstCrl = new CrlFactory(provider)
                .create(
                        deviceCa,
                        java.math.BigInteger.ONE,
                        clock.instant(),
                        clock.instant().plus(INITIAL_CRL_VALIDITY),
                        List.of())
                .der();
        SecureFiles.writeAtomically(layout.crlFile(), Pem.crl(firstCrl), false);
        changes.add("wrote " + layout.relative(layout.crlFile()) + " (empty CRL number 1, distribution point " + crlUrl
                + ")");
    }

    private void writeDerived(
            PkiLayout layout,
            CaCredential root,
            CaCredential deviceCa,
            CaCredential firmware,
            List<GeneralName> wantedNames,
            URI rootCrlUrl,
            List<String> changes,
            List<String> notes)
            throws IOException {
        writePemIfMissing(layout, layout.rootCaPem(), List.of(root.certificate()), changes);
        writePemIfMissing(layout, layout.deviceCaPem(), List.of(deviceCa.certificate()), changes);
        writePemIfMissing(layout, layout.caChainPem(), deviceCa.chain(), changes);
        writePemIfMissing(layout, layout.firmwareSigningPem(), List.of(firmware.certificate()), changes);

        boolean tlsPasswordExisted = Files.exists(layout.tlsPasswordFile());
        char[] tlsPassword = KeyStorePasswords.resolve(Optional.empty(), layout.tlsPasswordFile(), true, random);
        if (!tlsPasswordExisted) {
            changes.add("generated " + layout.relative(layout.tlsPasswordFile()) + " (0600)");
            // stores protected by a lost password are useless: make them again with the new one
            Files.deleteIfExists(layout.serverKeyStore());
            Files.deleteIfExists(layout.deviceTrustStore());
        }
        if (Files.exists(layout.serverKeyStore()) && !hasCrlDistributionPoint(layout, tlsPassword)) {
            // issued before the root published a CRL: a client that checks revocation could not check it
            Files.delete(layout.serverKeyStore());
            changes.add("reissuing " + layout.relative(layout.serverKeyStore()) + ": the TLS server certificate had no "
                    + "CRL distribution point (the listeners use the new one from their next start)");
        }
        Optional<java.math.BigInteger> rootCrl = new RootCrl(provider, clock).publishIfDue(layout.rootCrlFile(), root);
        rootCrl.ifPresent(number -> changes.add("wrote " + layout.relative(layout.rootCrlFile()) + " (root CRL number "
                + number + ", distribution point " + rootCrlUrl + ")"));
        if (!Files.exists(layout.serverKeyStore())) {
            KeyPair serverKeys = ecKeyPair("secp256r1");
            List<String> hosts =
                    wantedNames.stream().map(n -> n.getName().toString()).toList();
            X509Certificate server = certificates.tlsServer(root, serverKeys.getPublic(), hosts, rootCrlUrl);
            Pkcs12CaKeyStore.write(
                    layout.serverKeyStore(),
                    tlsPassword,
                    Map.of(
                            PkiLayout.SERVER_ALIAS,
                            new CaCredential(server, serverKeys.getPrivate(), List.of(server, root.certificate()))));
            changes.add("created " + layout.relative(layout.serverKeyStore()) + " (" + PkiLayout.SERVER_ALIAS
                    + ", EC P-256, issued by the root CA, valid " + CertificateFactory.TLS_SERVER_VALIDITY.toDays()
                    + " days)");
        } else {
            List<String> missing = missingNames(layout, tlsPassword, wantedNames);
            if (!missing.isEmpty()) {
                notes.add("the existing TLS server certificate does not cover " + String.join(", ", missing)
                        + "; delete " + layout.relative(layout.serverKeyStore()) + " and run again to reissue it");
            }
        }
        if (!Files.exists(layout.deviceTrustStore())) {
            Pkcs12CaKeyStore.writeTrustStore(
                    layout.deviceTrustStore(),
                    tlsPassword,
                    Map.of(PkiLayout.TRUSTED_DEVICE_CA_ALIAS, deviceCa.certificate()));
            changes.add("created " + layout.relative(layout.deviceTrustStore()) + " (trusts device-ca only)");
        }
    }

    private boolean hasCrlDistributionPoint(PkiLayout layout, char[] tlsPassword) {
        X509Certificate server = serverCertificate(layout, tlsPassword);
        return server == null || server.getExtensionValue(Extension.cRLDistributionPoints.getId()) != null;
    }

    private static X509Certificate serverCertificate(PkiLayout layout, char[] tlsPassword) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(layout.serverKeyStore())) {
                ks.load(in, tlsPassword);
            }
            return (X509Certificate) ks.getCertificate(PkiLayout.SERVER_ALIAS);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyStoreUnavailableException(
                    "key store " + layout.serverKeyStore() + ": wrong password or corrupted");
        }
    }

    private List<String> missingNames(PkiLayout layout, char[] tlsPassword, List<GeneralName> wanted) {
        List<String> missing = new ArrayList<>();
        try {
            X509Certificate server = serverCertificate(layout, tlsPassword);
            Collection<List<?>> sans = server == null ? null : server.getSubjectAlternativeNames();
            for (GeneralName name : wanted) {
                boolean covered = sans != null
                        && sans.stream()
                                .anyMatch(san -> ((Integer) san.get(0)) == name.getTagNo()
                                        && name.getName().toString().equalsIgnoreCase(String.valueOf(san.get(1))));
                if (!covered) {
                    missing.add(name.getName().toString());
                }
            }
        } catch (GeneralSecurityException e) {
            throw new KeyStoreUnavailableException(
                    "key store " + layout.serverKeyStore() + ": wrong password or corrupted");
        }
        return missing;
    }

    private void writePemIfMissing(
            PkiLayout layout, Path file, List<X509Certificate> certificates, List<String> changes) throws IOException {
        if (!Files.exists(file)) {
            SecureFiles.writeAtomically(
                    file, Pem.certificates(certificates).getBytes(StandardCharsets.US_ASCII), false);
            changes.add("wrote " + layout.relative(file));
        }
    }

    private KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec(curve), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC " + curve + " key generation is unavailable", e);
        }
    }

    /** SHA-256 fingerprint, colon-separated upper-case hex as {@code openssl x509 -fingerprint} prints it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
