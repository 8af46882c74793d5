package org.devicetrust.pki.control;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * The root CA's CRL: the revocation information for what the root signs (the Device Issuing CA, the TLS server
 * certificate, the firmware signing certificate), published beside the Device CA's CRL at
 * {@code .../pki/crl/root-ca.crl}. None of these is revoked through DeviceTrust, so the list is empty; what makes it
 * useful is that it exists, is signed by the root and is fresh, so that a relying party that checks revocation
 * (browsers, {@code openssl verify -crl_check}, Java's PKIX with revocation on) accepts the server certificate.
 *
 * <p>Valid for {@link #VALIDITY}; re-signed once half of that has passed. Kept in a file of the data directory
 * (PEM, replaced atomically), numbered on from the CRL in the file.
 */
public final class RootCrl {

    public static final Duration VALIDITY = Duration.ofDays(7);
    static final String FILE_NAME = "root-ca.crl";
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Provider provider;
    private final Clock clock;

    public RootCrl(Provider provider, Clock clock) {
        this.provider = provider;
        this.clock = clock;
    }

    /** The root CRL's URL beside the Device CA's CRL URL ({@code .../device-ca.crl} becomes {@code .../root-ca.crl}). */
    public static URI url(URI deviceCaCrlUrl) {
        return deviceCaCrlUrl.resolve(FILE_NAME);
    }

    /**
     * Signs and writes a new root CRL when the file holds none that the root signed, or half its validity has
     * passed. Returns the new CRL's number, or empty when the current one was kept.
     */
    public Optional<BigInteger> publishIfDue(Path file, CaCredential root) throws IOException {
        Optional<X509CRLHolder> current = read(file, root.certificate());
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (current.isPresent() && !isDue(current.get(), now)) {
            return Optional.empty();
        }
        BigInteger number = current.map(RootCrl::number).orElse(BigInteger.ZERO).add(BigInteger.ONE);
        CrlFactory.SignedCrl crl = new CrlFactory(provider).create(root, number, now, now.plus(VALIDITY), List.of());
        SecureFiles.writeAtomically(file, Pem.crl(crl.der()), false);
        return Optional.of(number);
    }

    static boolean isDue(X509CRLHolder crl, Instant now) {
        Instant thisUpdate = crl.getThisUpdate().toInstant();
        Instant nextUpdate =
                crl.getNextUpdate() == null ? thisUpdate : crl.getNextUpdate().toInstant();
        Instant half = thisUpdate.plus(Duration.between(thisUpdate, nextUpdate).dividedBy(2));
        return !now.isBefore(half);
    }

    /** The DER of the CRL in the file when it is one the root signed, else empty. */
    public Optional<byte[]> der(Path file, X509Certificate root) {
        return read(file, root).map(crl -> {
            try {
                return crl.getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException("root CRL cannot be encoded", e);
            }
        });
    }

    /** The CRL in the file when it is readable, issued by the root and signed with its key; else empty. */
    Optional<X509CRLHolder> read(Path file, X509Certificate root) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
                return Optional.empty();
            }
            byte[] der = Pem.decode(Files.readString(file, StandardCharsets.US_ASCII), Pem.X509_CRL);
            if (der == null) {
                return Optional.empty();
            }
            X509CRLHolder crl = new X509CRLHolder(der);
            boolean ours = crl.getIssuer()
                            .equals(X500Name.getInstance(
                                    root.getSubjectX500Principal().getEncoded()))
                    && crl.isSignatureValid(new JcaContentVerifierProviderBuilder()
                            .setProvider(provider)
                            .build(root.getPublicKey()))
                    && crl.getExtension(Extension.cRLNumber) != null;
            return ours ? Optional.of(crl) : Optional.empty();
        } catch (IOException | RuntimeException | OperatorCreationException | CertException e) {
            return Optional.empty();
        }
    }

    private static BigInteger number(X509CRLHolder crl) {
        return CRLNumber.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue())
                .getCRLNumber();
    }
}
