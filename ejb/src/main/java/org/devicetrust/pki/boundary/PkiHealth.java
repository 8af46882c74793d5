package org.devicetrust.pki.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.devicetrust.pki.control.CaCredential;
import org.devicetrust.pki.control.KeyStoreUnavailableException;

/**
 * What an operator's readiness probe asks the CA: can the Device CA key sign right now, and how old is the CRL.
 * Cheap enough to be asked every few seconds: one signature, one row without the CRL's bytes.
 */
@Stateless
@PermitAll
public class PkiHealth {

    /** The newest full CRL's number and validity window, without its encoding. */
    public record CrlTimes(long number, Instant thisUpdate, Instant nextUpdate) {

        public Duration age(Instant now) {
            return Duration.between(thisUpdate, now);
        }

        /** A relying party may still use it: its nextUpdate has not passed. */
        public boolean current(Instant now) {
            return now.isBefore(nextUpdate);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    @EJB
    DeviceCa deviceCa;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /**
     * Signs 32 random bytes with the Device CA key and verifies the signature with the CA certificate, so a key
     * that is gone (a token removed, a session closed) or no longer matches its certificate is seen here.
     *
     * @return how long the signature took
     * @throws KeyStoreUnavailableException when the key cannot sign or the signature does not verify
     */
    public Duration signWithDeviceCaKey() {
        CaCredential credential = deviceCa.credential();
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        String algorithm = signatureAlgorithm(credential.publicKey().getAlgorithm());
        long started = System.nanoTime();
        try {
            Signature signer = Signature.getInstance(algorithm, credential.signingProvider(deviceCa.provider()));
            signer.initSign(credential.privateKey());
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm, deviceCa.provider());
            verifier.initVerify(credential.publicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new KeyStoreUnavailableException("the Device CA key no longer matches its certificate");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof KeyStoreUnavailableException k) {
                throw k;
            }
            throw new KeyStoreUnavailableException(
                    "the Device CA key cannot sign: " + e.getClass().getSimpleName());
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The newest full CRL of the Device CA, or empty before the first publication. */
    public Optional<CrlTimes> currentCrl() {
        return em.createQuery(
                        "SELECT c.crlNumber, c.thisUpdate, c.nextUpdate FROM PublishedCrl c"
                                + " WHERE c.issuerDn = :issuer AND c.baseCrlNumber IS NULL ORDER BY c.crlNumber DESC",
                        Object[].class)
                .setParameter("issuer", deviceCa.issuerDn())
                .setMaxResults(1)
                .getResultStream()
                .findFirst()
                .map(row -> new CrlTimes(((Number) row[0]).longValue(), (Instant) row[1], (Instant) row[2]));
    }

    public Instant now() {
        return clock.instant();
    }

    static String signatureAlgorithm(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new KeyStoreUnavailableException("unexpected Device CA key algorithm " + keyAlgorithm);
        };
    }
}
