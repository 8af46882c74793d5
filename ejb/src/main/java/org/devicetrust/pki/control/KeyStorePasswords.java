package org.devicetrust.pki.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

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

    private KeyStorePasswords() {
    }

    /**
     * The configured password if there is one, else the content of {@code file}; when the file does not exist
     * and {@code createIfMissing}, a new random password is written to it (0600, directory 0700).
     *
     * @throws KeyStoreUnavailableException when no password can be found
     */
    public static char[] resolve(Optional<String> configured, Path file, boolean createIfMissing,
            SecureRandom random) {
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
                throw new KeyStoreUnavailableException("password file " + file + " does not exist (and "
                        + CA_PASSWORD_ENV + " is not set)");
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
}
