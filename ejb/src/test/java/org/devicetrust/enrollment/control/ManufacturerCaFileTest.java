package org.devicetrust.enrollment.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manufacturer CA file is parsed once, and again only when it changed. */
class ManufacturerCaFileTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    private static TestCertificates.Issued maker(String name) {
        return TestCertificates.ca("CN=" + name, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(3650)));
    }

    @Test
    void anUnchangedFileIsNotParsedAgainAndAChangedOneIs() throws Exception {
        TestCertificates.Issued first = maker("First Maker");
        Path file = Files.write(dir.resolve("makers.pem"), TestCertificates.pem(first.certificate()));
        ManufacturerCaFile cas = new ManufacturerCaFile(file, "test");
        FactoryCertificates loaded = cas.current().orElseThrow();
        assertSame(loaded, cas.current().orElseThrow(), "same modification time and size: the parsed CAs");

        TestCertificates.Issued second = maker("Second Maker");
        Files.write(file, TestCertificates.pem(first.certificate(), second.certificate()));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        FactoryCertificates reloaded = cas.current().orElseThrow();
        assertNotSame(loaded, reloaded);
        X509Certificate[] chain = {
            TestCertificates.leaf(
                            second,
                            "CN=Sensor,SERIALNUMBER=sensor-7",
                            NOW.minus(Duration.ofDays(1)),
                            NOW.plus(Duration.ofDays(10)))
                    .certificate()
        };
        assertEquals(Optional.of("sensor-7"), reloaded.deviceIdOf(chain, NOW));
        assertEquals(Optional.empty(), loaded.deviceIdOf(chain, NOW));
    }

    @Test
    void aMissingOrBrokenFileAcceptsNoFactoryCertificate() throws Exception {
        Path file = dir.resolve("makers.pem");
        ManufacturerCaFile cas = new ManufacturerCaFile(file, "test");
        assertTrue(cas.current().isEmpty());
        Files.writeString(file, "not a certificate");
        assertTrue(cas.current().isEmpty());
        Files.write(file, TestCertificates.pem(maker("Maker").certificate()));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(cas.current().isPresent(), "a repaired file is picked up");
    }
}
