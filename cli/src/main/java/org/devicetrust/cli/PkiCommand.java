package org.devicetrust.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.devicetrust.pki.control.KeyStorePasswords;
import org.devicetrust.pki.control.KeyStoreUnavailableException;
import org.devicetrust.pki.control.Pkcs11CaKeyStore;
import org.devicetrust.pki.control.Pkcs11Settings;
import org.devicetrust.pki.control.PkiBootstrap;
import org.devicetrust.pki.control.PkiLayout;

/**
 * {@code pki bootstrap --data-dir DIR [--hostname NAME]... [--crl-url URL]}: creates the CA hierarchy, the TLS
 * key and trust stores and their password files once; a second run changes nothing and says so. With
 * {@code --pkcs11-library}, the CA keys are generated in that PKCS#11 token (by slot, slot list index or token
 * label) instead of the PKCS#12 file; the PIN
 * comes from {@code --pkcs11-pin-file} (owner-only) or the environment, never from the command line.
 */
public final class PkiCommand {

    static final String DEFAULT_CRL_URL = "http://localhost:8080/pki/crl/device-ca.crl";
    private static final String USAGE =
            "usage: pki bootstrap --data-dir DIR [--hostname NAME]... [--crl-url URL] [--pkcs11-library SO"
                    + " [--pkcs11-slot ID | --pkcs11-slot-list-index N] [--pkcs11-token-label LABEL] [--pkcs11-pin-file FILE]]";
    /** The PKCS#11 user PIN, when no PIN file is given (MicroProfile Config: {@code devicetrust.pki.pkcs11.pin}). */
    static final String PKCS11_PIN_ENV = "DEVICETRUST_PKI_PKCS11_PIN";

    private PkiCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, Optional.ofNullable(System.getenv(KeyStorePasswords.CA_PASSWORD_ENV)));
    }

    static int run(String[] args, PrintStream out, Optional<String> caPassword) {
        if (args.length == 0 || !"bootstrap".equals(args[0])) {
            throw new CommandException(USAGE, 2);
        }
        Path dataDir = null;
        List<String> hostNames = new ArrayList<>();
        URI crlUrl = URI.create(DEFAULT_CRL_URL);
        String library = null;
        Long slot = null;
        Integer slotListIndex = null;
        String tokenLabel = null;
        Path pinFile = null;
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new CommandException(option + " needs a value; " + USAGE, 2);
            }
            String value = args[++i];
            switch (option) {
                case "--data-dir" -> dataDir = Path.of(value);
                case "--hostname" -> hostNames.add(value);
                case "--crl-url" -> crlUrl = crlUrl(value);
                case "--pkcs11-library" -> library = value;
                case "--pkcs11-slot" -> slot = number(option, value);
                case "--pkcs11-slot-list-index" ->
                    slotListIndex = (int) Math.min(number(option, value), Integer.MAX_VALUE);
                case "--pkcs11-token-label" -> tokenLabel = value;
                case "--pkcs11-pin-file" -> pinFile = Path.of(value);
                default -> throw new CommandException("unknown option " + option + "; " + USAGE, 2);
            }
        }
        if (dataDir == null) {
            throw new CommandException("--data-dir is required; " + USAGE, 2);
        }
        PkiLayout layout = new PkiLayout(dataDir);
        PkiBootstrap.Result result;
        try {
            PkiBootstrap bootstrap =
                    new PkiBootstrap(new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC());
            if (library == null) {
                result = bootstrap.run(layout, caPassword, hostNames, crlUrl);
            } else {
                if (slot != null && slotListIndex != null) {
                    throw new CommandException("give --pkcs11-slot or --pkcs11-slot-list-index, not both", 2);
                }
                Pkcs11Settings settings = Pkcs11Settings.of(
                        Path.of(library),
                        Optional.ofNullable(slot),
                        Optional.ofNullable(slotListIndex),
                        Optional.ofNullable(tokenLabel));
                char[] pin = KeyStorePasswords.pin(
                        Optional.ofNullable(System.getenv(PKCS11_PIN_ENV)), Optional.ofNullable(pinFile));
                result = bootstrap.runInToken(layout, Pkcs11CaKeyStore.open(settings, pin), hostNames, crlUrl);
            }
        } catch (KeyStoreUnavailableException | IllegalArgumentException e) {
            throw new CommandException("pki bootstrap: " + e.getMessage());
        }
        if (result.changedNothing()) {
            out.println("PKI already bootstrapped in " + layout.dataDir() + "; nothing changed");
        } else {
            out.println((result.createdCa() ? "PKI bootstrapped in " : "PKI repaired in ") + layout.dataDir() + ":");
            result.changes().forEach(change -> out.println("  " + change));
        }
        result.notes().forEach(note -> out.println("note: " + note));
        out.println("root CA SHA-256 fingerprint: " + result.rootFingerprint());
        return 0;
    }

    private static long number(String option, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandException(option + " must be a non-negative number", 2);
        }
    }

    private static URI crlUrl(String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new CommandException("--crl-url must be an http:// URL (CRLs are served over plain HTTP)", 2);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CommandException("--crl-url is not a valid URL", 2);
        }
    }
}
