package org.devicetrust.pki.control;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureNameFinder;

/**
 * Builds and signs X.509 v2 CRLs (RFC 5280 5.1): CRL number, authority key identifier, thisUpdate/nextUpdate,
 * one entry per revoked serial with its revocation date and reason code. Pure: everything comes in as
 * arguments. The signature is verified with the CA public key before the CRL is returned.
 *
 * <p>The revoked-certificates list is DER-encoded directly into one buffer instead of through an ASN.1 object
 * tree: a million entries take a few hundred milliseconds and ~45 MB instead of tens of seconds and gigabytes.
 * Everything else (names, extensions, algorithm identifiers) is encoded by BouncyCastle.
 */
public final class CrlFactory {

    /** One revoked certificate. {@code reasonCode} is the RFC 5280 CRLReason value. */
    public record RevokedEntry(BigInteger serial, Instant revokedAt, int reasonCode) {
        public RevokedEntry {
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(revokedAt, "revokedAt");
            if (serial.signum() <= 0) {
                throw new IllegalArgumentException("serial must be positive");
            }
        }
    }

    /** A signed CRL: its DER encoding and what it says. */
    public record SignedCrl(byte[] der, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate, int entryCount) {
        /** Parsed by BouncyCastle (costly for large CRLs: for tests and tools). */
        public X509CRLHolder holder() {
            try {
                return new X509CRLHolder(der);
            } catch (IOException e) {
                throw new IllegalStateException("CRL cannot be parsed", e);
            }
        }
    }

    /** The DER of the reason code extension for each CRLReason value, encoded once. */
    private static final byte[][] REASON_EXTENSIONS = new byte[11][];

    private static final int TAG_SEQUENCE = 0x30;
    private static final int TAG_INTEGER = 0x02;
    private static final int UTC_TIME_LIMIT_YEAR = 2050;

    static {
        for (int code = 1; code < REASON_EXTENSIONS.length; code++) {
            try {
                REASON_EXTENSIONS[code] = new Extensions(new Extension(
                                Extension.reasonCode,
                                false,
                                CRLReason.lookup(code).getEncoded(ASN1Encoding.DER)))
                        .getEncoded(ASN1Encoding.DER);
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final Provider provider;

    public CrlFactory(Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    public SignedCrl create(
            CaCredential issuer,
            BigInteger crlNumber,
            Instant thisUpdate,
            Instant nextUpdate,
            Iterable<RevokedEntry> entries) {
        return create(issuer, crlNumber, thisUpdate, nextUpdate, entries, List.of());
    }

    /**
     * A CRL with further CRL extensions after the CRL number and AKI: {@link #freshestCrl} on a full CRL,
     * {@link #deltaCrlIndicator} on a delta CRL (RFC 5280 5.2.4, 5.2.6).
     */
    public SignedCrl create(
            CaCredential issuer,
            BigInteger crlNumber,
            Instant thisUpdate,
            Instant nextUpdate,
            Iterable<RevokedEntry> entries,
            List<Extension> extraExtensions) {
        Objects.requireNonNull(crlNumber, "crlNumber");
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        if (crlNumber.signum() <= 0) {
            throw new IllegalArgumentException("CRL number must be positive");
        }
        if (!nextUpdate.isAfter(thisUpdate)) {
            throw new IllegalArgumentException("nextUpdate must be after thisUpdate");
        }
        try {
            ContentSigner signer = CertificateFactory.signer(issuer, provider);
            byte[] algorithm = signer.getAlgorithmIdentifier().getEncoded(ASN1Encoding.DER);

            int expected = entries instanceof java.util.Collection<?> c ? c.size() : 1024;
            DerBuffer revoked = new DerBuffer((int) Math.min(Integer.MAX_VALUE / 2, expected * 56L));
            int count = 0;
            for (RevokedEntry entry : entries) {
                byte[] serial = entry.serial().toByteArray();
                byte[] date = time(entry.revokedAt());
                byte[] extensions = reasonExtension(entry.reasonCode());
                int content = 1
                        + lengthOfLength(serial.length)
                        + serial.length
                        + date.length
                        + (extensions == null ? 0 : extensions.length);
                revoked.header(TAG_SEQUENCE, content);
                revoked.header(TAG_INTEGER, serial.length);
                revoked.write(serial);
                revoked.write(date);
                if (extensions != null) {
                    revoked.write(extensions);
                }
                count++;
            }

            List<Extension> all = new ArrayList<>();
            all.add(new Extension(Extension.cRLNumber, false, new CRLNumber(crlNumber).getEncoded(ASN1Encoding.DER)));
            all.add(new Extension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils()
                            .createAuthorityKeyIdentifier(issuer.publicKey())
                            .getEncoded(ASN1Encoding.DER)));
            all.addAll(extraExtensions);
            Extensions crlExtensions = new Extensions(all.toArray(new Extension[0]));
            byte[] crlExtensionsDer = crlExtensions.getEncoded(ASN1Encoding.DER);

            DerBuffer head = new DerBuffer(512);
            head.write(new byte[] {0x02, 0x01, 0x01}); // version v2
            head.write(algorithm);
            head.write(issuer.certificate().getSubjectX500Principal().getEncoded());
            head.write(time(thisUpdate));
            head.write(time(nextUpdate));
            DerBuffer tail = new DerBuffer(crlExtensionsDer.length + 8);
            tail.header(0xA0, crlExtensionsDer.length);
            tail.write(crlExtensionsDer);

            int revokedLength = count == 0 ? 0 : 1 + lengthOfLength(revoked.size()) + revoked.size();
            int tbsContent = head.size() + revokedLength + tail.size();
            DerBuffer tbs = new DerBuffer(1 + lengthOfLength(tbsContent) + tbsContent);
            tbs.header(TAG_SEQUENCE, tbsContent);
            head.writeTo(tbs);
            if (count > 0) {
                tbs.header(TAG_SEQUENCE, revoked.size());
                revoked.writeTo(tbs);
            }
            tail.writeTo(tbs);
            revoked = null;

            byte[] rawSignature = sign(issuer, signer, tbs.buf, tbs.count);
            byte[] signature = new DERBitString(rawSignature).getEncoded(ASN1Encoding.DER);

            int outerContent = tbs.size() + algorithm.length + signature.length;
            DerBuffer crl = new DerBuffer(1 + lengthOfLength(outerContent) + outerContent);
            crl.header(TAG_SEQUENCE, outerContent);
            int tbsOffset = crl.size();
            tbs.writeTo(crl);
            crl.write(algorithm);
            crl.write(signature);
            byte[] der = crl.bytes();

            selfCheck(issuer, signer.getAlgorithmIdentifier(), der, tbsOffset, tbs.size(), rawSignature);
            return new SignedCrl(der, crlNumber, thisUpdate, nextUpdate, count);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("CRL cannot be encoded", e);
        }
    }

    /** RFC 5280 5.2.4: marks a delta CRL and names the complete CRL it builds on (critical). */
    public static Extension deltaCrlIndicator(BigInteger baseCrlNumber) {
        try {
            return new Extension(
                    Extension.deltaCRLIndicator, true, new CRLNumber(baseCrlNumber).getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException("delta CRL indicator cannot be encoded", e);
        }
    }

    /** RFC 5280 5.2.6: where the delta CRLs of this complete CRL are (non-critical). */
    public static Extension freshestCrl(URI deltaCrlUrl) {
        try {
            return new Extension(
                    Extension.freshestCRL,
                    false,
                    CertificateFactory.crlDistributionPoint(deltaCrlUrl).getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new IllegalStateException("freshest CRL extension cannot be encoded", e);
        }
    }

    /**
     * ECDSA keys: the TBS is hashed by the JDK (CPU SHA extensions, ~10x BouncyCastle's pure-Java digest on a
     * 50 MB CRL) and the hash is signed raw by the provider; other keys go through the content signer.
     */
    private byte[] sign(CaCredential issuer, ContentSigner signer, byte[] tbs, int length)
            throws IOException, GeneralSecurityException {
        String digest = ecdsaDigest(issuer);
        if (digest == null) {
            try (OutputStream out = signer.getOutputStream()) {
                out.write(tbs, 0, length);
            }
            return signer.getSignature();
        }
        MessageDigest md = MessageDigest.getInstance(digest);
        md.update(tbs, 0, length);
        try {
            Signature ecdsa = Signature.getInstance("NONEwithECDSA", issuer.signingProvider(provider));
            ecdsa.initSign(issuer.privateKey());
            ecdsa.update(md.digest());
            return ecdsa.sign();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw CertificateFactory.cannotSign(e);
        }
    }

    /** Verifies the TBS bytes exactly as they sit in the finished encoding against the CA public key. */
    private void selfCheck(
            CaCredential issuer,
            AlgorithmIdentifier algorithm,
            byte[] der,
            int tbsOffset,
            int tbsLength,
            byte[] signature) {
        boolean valid;
        try {
            String digest = ecdsaDigest(issuer);
            if (digest == null) {
                Signature verifier = Signature.getInstance(
                        new DefaultSignatureNameFinder().getAlgorithmName(algorithm),
                        Signatures.forKey(issuer.publicKey(), provider));
                verifier.initVerify(issuer.publicKey());
                verifier.update(der, tbsOffset, tbsLength);
                valid = verifier.verify(signature);
            } else {
                MessageDigest md = MessageDigest.getInstance(digest);
                md.update(der, tbsOffset, tbsLength);
                Signature verifier =
                        Signature.getInstance("NONEwithECDSA", Signatures.forKey(issuer.publicKey(), provider));
                verifier.initVerify(issuer.publicKey());
                verifier.update(md.digest());
                valid = verifier.verify(signature);
            }
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new IllegalStateException("self-check failed: new CRL does not verify with the CA key");
        }
    }

    /** The JDK digest matching {@link CertificateFactory#signatureAlgorithm}, or null for non-EC keys. */
    private static String ecdsaDigest(CaCredential issuer) {
        String algorithm = CertificateFactory.signatureAlgorithm(issuer.publicKey());
        return switch (algorithm) {
            case "SHA256withECDSA" -> "SHA-256";
            case "SHA384withECDSA" -> "SHA-384";
            default -> null;
        };
    }

    /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, always Zulu. */
    static byte[] time(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1950 || year > 9999) {
            throw new IllegalArgumentException("time " + instant + " cannot be encoded in a CRL");
        }
        boolean utc = year < UTC_TIME_LIMIT_YEAR;
        int digits = utc ? 12 : 14;
        byte[] out = new byte[2 + digits + 1];
        out[0] = (byte) (utc ? 0x17 : 0x18);
        out[1] = (byte) (digits + 1);
        int i = 2;
        if (utc) {
            i = two(out, i, year % 100);
        } else {
            i = two(out, i, year / 100);
            i = two(out, i, year % 100);
        }
        i = two(out, i, t.getMonthValue());
        i = two(out, i, t.getDayOfMonth());
        i = two(out, i, t.getHour());
        i = two(out, i, t.getMinute());
        i = two(out, i, t.getSecond());
        out[i] = 'Z';
        return out;
    }

    private static int two(byte[] out, int index, int value) {
        out[index] = (byte) ('0' + value / 10);
        out[index + 1] = (byte) ('0' + value % 10);
        return index + 2;
    }

    /**
     * RFC 5280 5.3.1: the reason code extension SHOULD be absent rather than say "unspecified" (0); 7 is not
     * assigned and 8 (removeFromCRL) belongs to delta CRLs only.
     */
    private static byte[] reasonExtension(int reasonCode) {
        if (reasonCode == CRLReason.unspecified) {
            return null;
        }
        if (reasonCode < 0
                || reasonCode >= REASON_EXTENSIONS.length
                || reasonCode == 7
                || reasonCode == CRLReason.removeFromCRL) {
            throw new IllegalArgumentException("reason code " + reasonCode + " cannot appear in a full CRL");
        }
        return REASON_EXTENSIONS[reasonCode];
    }

    private static int lengthOfLength(int length) {
        if (length < 0x80) {
            return 1;
        }
        if (length < 0x100) {
            return 2;
        }
        if (length < 0x10000) {
            return 3;
        }
        if (length < 0x1000000) {
            return 4;
        }
        return 5;
    }

    /** A growable byte buffer with DER tag/length headers (unsynchronized, unlike ByteArrayOutputStream). */
    private static final class DerBuffer {
        private byte[] buf;
        private int count;

        DerBuffer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (count + extra > buf.length) {
                long wanted = Math.max((long) buf.length * 2, (long) count + extra);
                if (wanted > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("CRL too large to encode");
                }
                buf = java.util.Arrays.copyOf(buf, (int) wanted);
            }
        }

        void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, count, b.length);
            count += b.length;
        }

        void writeTo(DerBuffer other) {
            other.ensure(count);
            System.arraycopy(buf, 0, other.buf, other.count, count);
            other.count += count;
        }

        int size() {
            return count;
        }

        void header(int tag, int length) {
            write(tag);
            if (length < 0x80) {
                write(length);
                return;
            }
            int bytes = lengthOfLength(length) - 1;
            write(0x80 | bytes);
            for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
                write((length >>> shift) & 0xff);
            }
        }

        byte[] bytes() {
            return buf.length == count ? buf : java.util.Arrays.copyOf(buf, count);
        }
    }
}
