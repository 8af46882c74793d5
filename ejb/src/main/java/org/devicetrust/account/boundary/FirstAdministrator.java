package org.devicetrust.account.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * On the very first start (no account in the database) creates the administrator {@code admin}. The password is
 * taken from configuration ({@code devicetrust.admin.initial-password}, e.g. env DEVICETRUST_ADMIN_PASSWORD) or
 * generated and written to {@code <data-dir>/secrets/initial-admin-password}, readable by the owner only, where the
 * launcher shows it. It is never logged.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class FirstAdministrator {

    private static final Logger LOG = Logger.getLogger(FirstAdministrator.class.getName());
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    @Inject
    SecureRandom random;

    @Inject
    Administrators administrators;

    @Inject
    @ConfigProperty(name = "devicetrust.data-dir")
    Optional<String> dataDir;

    @Inject
    @ConfigProperty(name = "devicetrust.admin.initial-password")
    Optional<String> configuredPassword;

    @PostConstruct
    void ensureFirstAdministrator() {
        Path file = Path.of(
                dataDir.orElse(System.getProperty("user.home") + "/.devicetrust"), "secrets", "initial-admin-password");
        try {
            Optional<char[]> given = configuredPassword
                    .filter(p -> !p.isBlank())
                    .map(String::toCharArray)
                    .or(() -> readIfPresent(file));
            char[] password = given.orElseGet(this::generate);
            if (!administrators.createFirstAdministrator("admin", password)) {
                return;
            }
            if (given.isEmpty()) {
                writeOwnerOnly(file, password);
            }
            LOG.info(() -> "DeviceTrust: first administrator 'admin' created"
                    + (configuredPassword.isPresent() ? " with the configured password" : "; password in " + file));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read or write the first administrator's password at " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<char[]> readIfPresent(Path file) {
        try {
            String content = Files.exists(file)
                    ? Files.readString(file, StandardCharsets.UTF_8).strip()
                    : "";
            return content.isEmpty() ? Optional.empty() : Optional.of(content.toCharArray());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeOwnerOnly(Path file, char[] password) throws IOException {
        Files.createDirectories(
                file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, new String(password), StandardCharsets.UTF_8);
    }

    private char[] generate() {
        char[] password = new char[20];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return password;
    }
}
