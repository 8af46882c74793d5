package org.devicetrust.pki.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * Key store passwords: given by configuration, or generated once into an owner-only file of the data
 * directory. Passwords are never logged and never part of an exception message.
 */
public final class KeyStorePasswords {

    /** Environment variable (MicroProfile Config: {@code devicetrust.pki.password}) for the CA key store. */
    public static final String CA_PASSWORD_ENV = "DEVICETRUST_PKI_PASSWORD";
    /** 32 random bytes: 43 characters of base64url. */
    private static final int GENERATED_BYTES = 32;

    private static final int MAX_FILE_BYTES = 1024;

    private KeyStorePasswords() {}

    /**
     * The configured password if there is one, else the content of {@code file}; when the file does not exist
     * and {@code createIfMissing}, a new random password is written to it (0600, directory 0700).
     *
     * @throws KeyStoreUnavailableException when no password can be found
     */
    public static char[] resolve(Optional<String> configured, Path file, boolean createIfMissing, SecureRandom random) {
        if (configured.isPresent() && !configured.get().isEmpty()) {
            return configured.get().toCharArray();
        }
        try {
            if (Files.exists(file)) {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new KeyStoreUnavailableException("password file " + file + " is too large");
                }
                String content = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (content.isEmpty()) {
                    throw new KeyStoreUnavailableException("password file " + file + " is empty");
                }
                return content.toCharArray();
            }
            if (!createIfMissing) {
                throw new KeyStoreUnavailableException(
                        "password file " + file + " does not exist (and " + CA_PASSWORD_ENV + " is not set)");
            }
            byte[] bytes = new byte[GENERATED_BYTES];
            random.nextBytes(bytes);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            SecureFiles.createDirectory(file.toAbsolutePath().getParent(), true);
            SecureFiles.writeAtomically(file, (password + "\n").getBytes(StandardCharsets.US_ASCII), true);
            return password.toCharArray();
        } catch (IOException e) {
            throw new KeyStoreUnavailableException("password file " + file + " cannot be read or written: "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * The PKCS#11 user PIN: configured (a password alias, the environment), else the first line of
     * {@code pinFile}, which must be readable by its owner only (no group or other permission bits).
     *
     * @throws KeyStoreUnavailableException when neither gives a PIN, or the file is open to others
     */
    public static char[] pin(Optional<String> configured, Optional<Path> pinFile) {
        if (configured.isPresent() && !configured.get().isEmpty()) {
            return configured.get().toCharArray();
        }
        if (pinFile.isEmpty()) {
            throw new KeyStoreUnavailableException(
                    "no PKCS#11 PIN: set devicetrust.pki.pkcs11.pin (a password alias) or devicetrust.pki.pkcs11.pin-file");
        }
        Path file = pinFile.get();
        try {
            if (!Files.isRegularFile(file)) {
                throw new KeyStoreUnavailableException("PIN file " + file + " does not exist");
            }
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                for (PosixFilePermission open : Set.of(
                        PosixFilePermission.GROUP_READ,
                        PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_READ,
                        PosixFilePermission.OTHERS_WRITE)) {
                    if (permissions.contains(open)) {
                        throw new KeyStoreUnavailableException(
                                "PIN file " + file + " is readable or writable by others: chmod 600 it");
                    }
                }
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new KeyStoreUnavailableException("PIN file " + file + " is too large");
            }
            String content = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new KeyStoreUnavailableException("PIN file " + file + " is empty");
            }
            return content.toCharArray();
        } catch (IOException e) {
            throw new KeyStoreUnavailableException(
                    "PIN file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }
}
