package org.devicetrust.cli;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.devicetrust.firmware.control.FirmwareKeys;
import org.devicetrust.firmware.control.FirmwareManifest;
import org.devicetrust.firmware.control.FirmwareSigner;
import org.devicetrust.firmware.control.ImageType;
import org.devicetrust.firmware.control.SignedImage;
import org.devicetrust.pki.control.KeyStorePasswords;
import org.devicetrust.pki.control.KeyStoreUnavailableException;

/**
 * {@code firmware sign|key-digest|inspect}: signs bootloader and app images with the firmware
 * signing key (format: firmware/docs/formats.md). The key comes from the PKI's PKCS#12 key store
 * ({@code --data-dir}) or, for test keys, from a PKCS#8 PEM file ({@code --key}).
 */
public final class FirmwareCommand {

    static final String KEY_ALIAS = "firmware-signing";

    private FirmwareCommand() {}

    public static int run(String[] args) {
        if (args.length == 0) {
            throw new CommandException(usage(), 2);
        }
        if (List.of("release", "releases", "approve", "revoke").contains(args[0])) {
            return ReleaseCommand.run(args, () -> AdminApi.fromEnvironment(System.getenv()));
        }
        Map<String, String> opts = options(args, 1);
        Provider bc = new BouncyCastleProvider();
        return switch (args[0]) {
            case "sign" -> sign(opts, bc);
            case "key-digest" -> keyDigest(opts, bc);
            case "inspect" -> inspect(opts, bc);
            default -> throw new CommandException(usage(), 2);
        };
    }

    private static int sign(Map<String, String> o, Provider bc) {
        Signing key = loadKey(o, bc);
        ImageType type = switch (required(o, "type")) {
            case "app" -> ImageType.APP;
            case "bootloader" -> ImageType.BOOTLOADER;
            default -> throw new CommandException("--type must be app or bootloader");
        };
        byte[] payload = read(Path.of(required(o, "in")));
        long version = number(o, "version", "0");
        int securityVersion = (int) number(o, "security-version", "0");
        long load = number(o, "load-addr", null);
        long entry = number(o, "entry-addr", String.valueOf(load));
        String buildId = o.getOrDefault("build-id", "v" + version);
        FirmwareSigner signer = new FirmwareSigner(key.privateKey(), key.publicKey(), bc);
        byte[] image;
        try {
            FirmwareManifest manifest = signer.manifestFor(
                    payload, type, version, securityVersion, load, entry, FirmwareManifest.buildIdOf(buildId));
            image = signer.sign(payload, manifest);
        } catch (IllegalArgumentException e) {
            throw new CommandException("cannot sign: " + e.getMessage());
        }
        Path out = Path.of(required(o, "out"));
        try {
            Files.write(out, image);
        } catch (IOException e) {
            throw new CommandException("cannot write " + out + ": " + e.getMessage());
        }
        System.out.printf(
                "signed %s v%d (security version %d, %d bytes) with key %s -> %s%n",
                type.name().toLowerCase(),
                version,
                securityVersion,
                payload.length,
                FirmwareKeys.hex(signer.keyDigest()),
                out);
        return 0;
    }

    private static int keyDigest(Map<String, String> o, Provider bc) {
        System.out.println(
                FirmwareKeys.hex(FirmwareKeys.keyDigest(loadKey(o, bc).publicKey())));
        return 0;
    }

    private static int inspect(Map<String, String> o, Provider bc) {
        Path in = Path.of(required(o, "in"));
        try {
            SignedImage image = SignedImage.parse(read(in));
            FirmwareManifest m = image.manifest();
            System.out.printf(
                    "%s v%d security version %d, %d bytes, load 0x%08x entry 0x%08x, build %s%n",
                    m.imageType().name().toLowerCase(),
                    m.version(),
                    m.securityVersion(),
                    m.imageSize(),
                    m.loadAddress(),
                    m.entryAddress(),
                    m.buildIdText());
            System.out.println("key digest "
                    + FirmwareKeys.hex(
                            FirmwareKeys.keyDigest(image.signatureBlock().publicKey())));
            image.verifySignature(bc);
            System.out.println("signature valid");
            return 0;
        } catch (IllegalArgumentException e) {
            throw new CommandException(in + ": " + e.getMessage());
        }
    }

    record Signing(PrivateKey privateKey, PublicKey publicKey) {}

    static Signing loadKey(Map<String, String> o, Provider bc) {
        if (o.containsKey("key")) {
            return fromPem(Path.of(o.get("key")), bc);
        }
        if (o.containsKey("data-dir")) {
            return fromKeyStore(Path.of(o.get("data-dir")));
        }
        throw new CommandException("give --data-dir DIR (PKI key store) or --key FILE.pem (test key)");
    }

    static Signing fromPem(Path file, Provider bc) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser p = new PEMParser(r)) {
            Object obj = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(bc);
            PrivateKey priv;
            if (obj instanceof PrivateKeyInfo info) {
                priv = conv.getPrivateKey(info);
            } else if (obj instanceof PEMKeyPair pair) {
                priv = conv.getKeyPair(pair).getPrivate();
            } else {
                throw new CommandException(file + ": not a PKCS#8 EC private key");
            }
            if (!(priv instanceof org.bouncycastle.jce.interfaces.ECPrivateKey ec)) {
                throw new CommandException(file + ": not an EC private key");
            }
            ECParameterSpec params = ec.getParameters();
            BigInteger d = ec.getD();
            PublicKey pub = KeyFactory.getInstance("EC", bc)
                    .generatePublic(
                            new ECPublicKeySpec(params.getG().multiply(d).normalize(), params));
            return checked(new Signing(priv, pub), file.toString());
        } catch (NoSuchFileException e) {
            throw new CommandException("key file not found: " + file);
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandException(file + ": cannot read key: " + e.getMessage());
        }
    }

    static Signing fromKeyStore(Path dataDir) {
        Path store = dataDir.resolve("pki").resolve("devicetrust-ca.p12");
        Path passFile = dataDir.resolve("secrets").resolve("pki-keystore.pass");
        if (!Files.isRegularFile(store)) {
            throw new CommandException(
                    "no key store at " + store + ": run 'pki bootstrap --data-dir " + dataDir + "' first");
        }
        try {
            // The same password source as the server: DEVICETRUST_PKI_PASSWORD, else the owner-only file.
            Optional<String> configured = Optional.ofNullable(System.getenv(KeyStorePasswords.CA_PASSWORD_ENV))
                    .filter(v -> !v.isEmpty());
            if (configured.isEmpty() && Files.exists(passFile)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(passFile);
                if (perms.stream()
                        .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new CommandException(passFile + " is readable by others: chmod 600 it");
                }
            }
            char[] password = KeyStorePasswords.resolve(configured, passFile, false, new SecureRandom());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            if (!ks.isKeyEntry(KEY_ALIAS)) {
                throw new CommandException(store + " has no '" + KEY_ALIAS + "' key");
            }
            PrivateKey priv = (PrivateKey) ks.getKey(KEY_ALIAS, password);
            Certificate cert = ks.getCertificate(KEY_ALIAS);
            if (cert == null) {
                throw new CommandException(store + ": '" + KEY_ALIAS + "' has no certificate");
            }
            return checked(new Signing(priv, cert.getPublicKey()), store.toString());
        } catch (KeyStoreUnavailableException e) {
            throw new CommandException(e.getMessage());
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandException(store + ": cannot open: " + e.getMessage());
        }
    }

    private static Signing checked(Signing s, String from) {
        try {
            FirmwareKeys.rawPublicKey(s.publicKey());
        } catch (IllegalArgumentException e) {
            throw new CommandException(from + ": " + e.getMessage());
        }
        return s;
    }

    static Map<String, String> options(String[] args, int from) {
        Map<String, String> o = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new CommandException("unexpected argument '" + a + "'\n" + usage(), 2);
            }
            o.put(a.substring(2), args[++i]);
        }
        for (String k : o.keySet()) {
            if (!List.of(
                            "key",
                            "data-dir",
                            "type",
                            "in",
                            "out",
                            "version",
                            "security-version",
                            "load-addr",
                            "entry-addr",
                            "build-id")
                    .contains(k)) {
                throw new CommandException("unknown option --" + k, 2);
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new CommandException("missing --" + name, 2);
        }
        return v;
    }

    private static long number(Map<String, String> o, String name, String dflt) {
        String v = dflt == null ? required(o, name) : o.getOrDefault(name, dflt);
        try {
            long n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (n < 0 || n > 0xffff_ffffL) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandException("--" + name + " must be a 32-bit number, got '" + v + "'");
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new CommandException("cannot read " + p);
        }
    }

    static String usage() {
        return """
                usage: firmware sign --type app|bootloader --in PAYLOAD.bin --out IMAGE.img --version N
                                     --security-version N --load-addr 0xADDR [--entry-addr 0xADDR] [--build-id TEXT]
                                     (--data-dir DIR | --key KEY.pem)
                       firmware key-digest (--data-dir DIR | --key KEY.pem)
                       firmware inspect --in IMAGE.img
                """ + ReleaseCommand.USAGE.replace("usage: ", "       ");
    }
}
