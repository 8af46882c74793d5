package org.devicetrust.enrollment.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The manufacturer CA file (PEM) whose CAs vouch for factory certificates: parsed once and parsed again only when
 * its modification time or size changed, not on every request. An unreadable or unusable file means no factory
 * certificate is accepted (default deny), logged once per version of the file.
 */
public final class ManufacturerCaFile {

    private static final Logger LOG = Logger.getLogger(ManufacturerCaFile.class.getName());

    private final Path path;
    private final String setting;
    private FileTime modified;
    private long size = -1;
    private FactoryCertificates loaded;
    private boolean refusalLogged;

    /** {@code setting}: the name of the setting that names the file, for the log line. */
    public ManufacturerCaFile(Path path, String setting) {
        this.path = Objects.requireNonNull(path, "path");
        this.setting = setting;
    }

    public Path path() {
        return path;
    }

    /** The CAs of the file as it is now; empty when it cannot be read or holds no usable CA certificate. */
    public synchronized Optional<FactoryCertificates> current() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return failed(null, -1, "cannot read " + path + ": " + e.getMessage());
        }
        if (attributes.lastModifiedTime().equals(modified) && attributes.size() == size) {
            return Optional.ofNullable(loaded);
        }
        try {
            FactoryCertificates parsed = FactoryCertificates.fromPem(Files.readAllBytes(path));
            modified = attributes.lastModifiedTime();
            size = attributes.size();
            loaded = parsed;
            refusalLogged = false;
            return Optional.of(parsed);
        } catch (IOException | RuntimeException e) {
            return failed(attributes.lastModifiedTime(), attributes.size(), e.getMessage());
        }
    }

    private Optional<FactoryCertificates> failed(FileTime failedModified, long failedSize, String reason) {
        boolean sameVersion = loaded == null && Objects.equals(failedModified, modified) && failedSize == size;
        if (!sameVersion || !refusalLogged) {
            LOG.warning(setting + " is set but unusable, factory certificates are refused: " + reason);
            refusalLogged = true;
        }
        modified = failedModified;
        size = failedSize;
        loaded = null;
        return Optional.empty();
    }
}
