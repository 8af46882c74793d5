package org.devicetrust.pki.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test only: SoftHSM2 tokens. The module reads {@code SOFTHSM2_CONF} once per process, when the first provider
 * initializes it, so the build points that variable at a file this class writes before the first use, naming a
 * fresh temporary token directory for the test JVM. The module also lists its slots only then (a token
 * initialized later has a slot id it refuses), so the first call initializes a pool of tokens (with
 * {@code softhsm2-util}, as an operator would), each in its own subdirectory, and each test takes one of its own.
 */
final class SoftHsm {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    static final String USER_PIN = "4711-user-pin";
    private static final String SO_PIN = "4711-so-pin";
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    private static final int POOL = 16;
    private static final java.util.Deque<Token> FREE = new java.util.ArrayDeque<>();
    private static Path tokenDirectory;

    record Token(String label, long slot, Path directory) {
        Pkcs11Settings settings() {
            return Pkcs11Settings.slot(LIBRARY, slot);
        }

        Pkcs11CaKeyStore open() {
            return Pkcs11CaKeyStore.open(settings(), USER_PIN.toCharArray());
        }
    }

    private SoftHsm() {}

    /** SoftHSM2 installed and {@code SOFTHSM2_CONF} set for this JVM (the ejb build sets it). */
    static boolean available() {
        return Files.isRegularFile(LIBRARY) && System.getenv("SOFTHSM2_CONF") != null;
    }

    static synchronized Path tokenDirectory() throws IOException {
        if (tokenDirectory == null) {
            Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
            tokenDirectory = Files.createTempDirectory("devicetrust-softhsm");
            Path created = tokenDirectory;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
            Files.createDirectories(conf.toAbsolutePath().getParent());
            Files.writeString(
                    conf,
                    "directories.tokendir = " + tokenDirectory + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                    StandardCharsets.UTF_8);
        }
        return tokenDirectory;
    }

    /** A new, empty token with the user PIN {@link #USER_PIN}, used by no other test. */
    static synchronized Token newToken() throws Exception {
        if (tokenDirectory == null) {
            tokenDirectory();
            for (int i = 0; i < POOL; i++) {
                FREE.add(initToken());
            }
        }
        if (FREE.isEmpty()) {
            throw new IllegalStateException("all " + POOL + " SoftHSM2 test tokens are taken: raise POOL");
        }
        return FREE.poll();
    }

    private static Token initToken() throws Exception {
        Path tokens = tokenDirectory;
        Set<Path> before = directories(tokens);
        String label = "dt-" + UUID.randomUUID().toString().substring(0, 8);
        Process process = new ProcessBuilder(List.of(
                        "softhsm2-util",
                        "--init-token",
                        "--free",
                        "--label",
                        label,
                        "--so-pin",
                        SO_PIN,
                        "--pin",
                        USER_PIN))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util --init-token failed: " + output);
        }
        Matcher slot = SLOT.matcher(output);
        if (!slot.find()) {
            throw new IllegalStateException("no slot in softhsm2-util output: " + output);
        }
        Set<Path> created = directories(tokens);
        created.removeAll(before);
        if (created.size() != 1) {
            throw new IllegalStateException("expected one new token directory, found " + created);
        }
        return new Token(
                label, Long.parseLong(slot.group(1)), created.iterator().next());
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a test token left in the temporary directory holds test keys only
        }
    }

    private static Set<Path> directories(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return new HashSet<>(entries.filter(Files::isDirectory).toList());
        }
    }
}
