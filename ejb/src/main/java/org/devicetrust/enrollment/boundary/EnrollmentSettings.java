package org.devicetrust.enrollment.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.devicetrust.enrollment.control.EstSettings;
import org.devicetrust.enrollment.control.FactoryCertificates;
import org.devicetrust.enrollment.control.ManufacturerCaFile;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where {@link Enrollment} gets its settings: {@link EstSettings}, typed and checked, read from MicroProfile Config
 * in one step per request (an administrator changes the renewal policy or the manufacturer CA file with a system
 * property, without a redeploy), and the manufacturer CA file, parsed once and again only when it changed.
 */
@ApplicationScoped
public class EnrollmentSettings {

    private static final Logger LOG = Logger.getLogger(EnrollmentSettings.class.getName());

    private volatile ManufacturerCaFile manufacturerCaFile;

    /** @throws IllegalStateException naming a setting that is out of range */
    public EstSettings current() {
        Config config = ConfigProvider.getConfig(EnrollmentSettings.class.getClassLoader());
        return EstSettings.read(config::getOptionalValue);
    }

    /** The manufacturer CAs the settings name; empty when none are configured or the file is unusable. */
    public Optional<FactoryCertificates> manufacturerCas(EstSettings settings) {
        if (settings.manufacturerCa().isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(settings.manufacturerCa().get());
        } catch (InvalidPathException e) {
            LOG.warning(EstSettings.MANUFACTURER_CA + " is set but unusable, factory certificates are refused: "
                    + e.getMessage());
            return Optional.empty();
        }
        ManufacturerCaFile file = manufacturerCaFile;
        if (file == null || !file.path().equals(path)) {
            file = new ManufacturerCaFile(path, EstSettings.MANUFACTURER_CA);
            manufacturerCaFile = file;
        }
        return file.current();
    }
}
