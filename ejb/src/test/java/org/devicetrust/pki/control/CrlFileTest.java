package org.devicetrust.pki.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrlFileTest {

    private final TestPki pki = new TestPki();
    private final CrlFactory factory = new CrlFactory(TestPki.BC);

    @TempDir
    Path dir;

    private byte[] crl(long number) {
        return factory.create(
                        pki.deviceCa,
                        BigInteger.valueOf(number),
                        TestPki.NOW,
                        TestPki.NOW.plus(Duration.ofHours(24)),
                        List.of())
                .der();
    }

    @Test
    void missingUnreadableAndForeignFilesHaveNoNumber() throws Exception {
        Path file = dir.resolve("device-ca.crl");
        assertEquals(0, CrlFile.number(file));
        Files.writeString(file, "-----BEGIN X509 CRL-----\nnot base64 at all\n-----END X509 CRL-----\n");
        assertEquals(0, CrlFile.number(file));
        Files.write(file, new byte[] {0x30, (byte) 0x82, 0x7f});
        assertEquals(0, CrlFile.number(file));
    }

    @Test
    void aNewerCrlReplacesTheFileAndAnOlderOneNever() throws Exception {
        Path file = dir.resolve("device-ca.crl");
        assertEquals(5, CrlFile.replaceIfNewer(file, 5, crl(5)));
        assertEquals(5, CrlFile.number(file));

        // another node already wrote CRL 7 into the shared directory; this node's CRL 6 comes late
        Files.write(file, Pem.crl(crl(7)));
        byte[] seven = Files.readAllBytes(file);
        assertEquals(7, CrlFile.replaceIfNewer(file, 6, crl(6)));
        assertArrayEquals(seven, Files.readAllBytes(file));
        assertEquals(7, CrlFile.replaceIfNewer(file, 7, crl(7)));

        byte[] eight = crl(8);
        assertEquals(8, CrlFile.replaceIfNewer(file, 8, eight));
        assertEquals(8, CrlFile.number(file));
        assertArrayEquals(Pem.crl(eight), Files.readAllBytes(file));
    }

    @Test
    void writersRacingInAnyOrderLeaveTheNewestCrl() throws Exception {
        Path file = dir.resolve("device-ca.crl");
        List<byte[]> crls = new ArrayList<>();
        for (int n = 1; n <= 24; n++) {
            crls.add(crl(n));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> writes = new ArrayList<>();
            for (int n = 24; n >= 1; n--) {
                long number = n;
                writes.add(pool.submit(() -> CrlFile.replaceIfNewer(file, number, crls.get((int) number - 1))));
            }
            for (Future<Long> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(24, CrlFile.number(file));
        try (var listing = Files.list(dir)) {
            // the file and its lock file, no temporary file left behind
            assertEquals(2, listing.count());
        }
    }
}
