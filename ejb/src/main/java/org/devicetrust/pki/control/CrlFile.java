package org.devicetrust.pki.control;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;

/**
 * The published CRL file in the data directory ({@code pki/crl/device-ca.crl}, PEM), which every node of a
 * cluster writes when the data directory is shared: its CRL number is the floor a restored database never goes
 * below. A node replaces it only with a newer CRL, under a file lock beside it, so an older CRL written late by
 * one node never overwrites a newer one another node wrote first.
 */
public final class CrlFile {

    /** The largest CRL file read for its number; a bigger file counts as unreadable. */
    static final long MAX_BYTES = 256L * 1024 * 1024;

    private CrlFile() {}

    /** The CRL number of the file, 0 when it is missing, unreadable or has none. */
    public static long number(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return 0;
            }
            byte[] der = Pem.decode(Files.readString(file, StandardCharsets.US_ASCII), Pem.X509_CRL);
            if (der == null) {
                return 0;
            }
            X509CRLHolder crl = new X509CRLHolder(der);
            Extension extension = crl.getExtension(Extension.cRLNumber);
            if (extension == null) {
                return 0;
            }
            BigInteger number =
                    CRLNumber.getInstance(extension.getParsedValue()).getCRLNumber();
            return number.signum() >= 0 && number.bitLength() < 63 ? number.longValue() : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Replaces the file with the CRL {@code der} numbered {@code number} when the file holds an older one (or
     * none): in one step, under the lock file {@code .NAME.lock} beside it, which other processes on a shared
     * file system take too. Returns the number the file holds afterwards.
     */
    public static synchronized long replaceIfNewer(Path file, long number, byte[] der) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path lockFile = dir.resolve("." + file.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            long current = number(file);
            if (current >= number) {
                return current;
            }
            SecureFiles.writeAtomically(file, Pem.crl(der), false);
            return number;
        }
    }
}
