package org.devicetrust.pki.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.PublicKey;
import java.util.Set;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Parses a PKCS#10 request (DER or PEM) from an untrusted source and checks it before anything signs its key:
 * bounded size, exactly one well-formed structure, an accepted key ({@link KeyPolicy}), a SHA-2 signature
 * algorithm, and proof of possession (the request's signature verifies with the key it carries).
 * The requested subject and extensions are reported but never copied into a certificate: the CA sets those.
 */
public final class CsrValidator {

    /** An EC CSR is ~300 bytes and an RSA-8192 one ~2.5 KiB in PEM; 16 KiB leaves room and caps the work. */
    public static final int MAX_CSR_BYTES = 16 * 1024;

    private static final Set<ASN1ObjectIdentifier> SIGNATURE_ALGORITHMS = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption,
            PKCSObjectIdentifiers.id_RSASSA_PSS);

    /** A request that passed every check. */
    public record ValidatedCsr(PublicKey publicKey, String keyDescription, X500Name requestedSubject) {

        /** The requested subject's common name if it has exactly one single-valued CN, else {@code null}. */
        public String requestedCommonName() {
            if (requestedSubject == null) {
                return null;
            }
            RDN[] names = requestedSubject.getRDNs(BCStyle.CN);
            if (names.length != 1 || names[0].isMultiValued()) {
                return null;
            }
            return IETFUtils.valueToString(names[0].getFirst().getValue());
        }
    }

    private final Provider provider;

    public CsrValidator(Provider provider) {
        this.provider = provider;
    }

    /** @throws CsrRejectedException naming the first check that failed */
    public ValidatedCsr validate(byte[] input) {
        if (input == null || input.length == 0) {
            throw rejected(CsrRejectedException.Problem.MALFORMED, "CSR is empty");
        }
        if (input.length > MAX_CSR_BYTES) {
            throw rejected(
                    CsrRejectedException.Problem.TOO_LARGE,
                    "CSR is " + input.length + " bytes; at most " + MAX_CSR_BYTES + " are accepted");
        }
        byte[] der = toDer(input);
        PKCS10CertificationRequest csr = parse(der);
        String keyDescription = KeyPolicy.check(csr.getSubjectPublicKeyInfo());
        ASN1ObjectIdentifier signatureAlgorithm = csr.getSignatureAlgorithm().getAlgorithm();
        if (!SIGNATURE_ALGORITHMS.contains(signatureAlgorithm)) {
            throw rejected(
                    CsrRejectedException.Problem.SIGNATURE_INVALID,
                    "CSR signature algorithm " + signatureAlgorithm.getId() + " is not accepted (use SHA-2)");
        }
        PublicKey publicKey;
        try {
            publicKey =
                    new JcaPKCS10CertificationRequest(csr).setProvider(provider).getPublicKey();
        } catch (Exception e) {
            throw rejected(CsrRejectedException.Problem.MALFORMED, "CSR public key is malformed");
        }
        Provider verifier = Signatures.forKey(publicKey, provider);
        boolean possession = possession(csr, publicKey, verifier);
        if (!possession && verifier != provider) {
            // a signature scheme the fast provider does not know (RSA-PSS, say) gets the general one's word
            possession = possession(csr, publicKey, provider);
        }
        if (!possession) {
            throw rejected(
                    CsrRejectedException.Problem.SIGNATURE_INVALID,
                    "CSR signature does not verify with its own public key (no proof of possession)");
        }
        return new ValidatedCsr(publicKey, keyDescription, csr.getSubject());
    }

    private static boolean possession(PKCS10CertificationRequest csr, PublicKey publicKey, Provider verifier) {
        try {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .setProvider(verifier)
                    .build(publicKey));
        } catch (Exception e) {
            return false;
        }
    }

    private static byte[] toDer(byte[] input) {
        if (input[0] == 0x30) {
            return input;
        }
        String text = new String(input, StandardCharsets.US_ASCII);
        try {
            byte[] der = Pem.decode(text, Pem.CERTIFICATE_REQUEST, "NEW " + Pem.CERTIFICATE_REQUEST);
            if (der == null) {
                throw rejected(
                        CsrRejectedException.Problem.MALFORMED,
                        "CSR is neither DER nor a PEM 'CERTIFICATE REQUEST' block");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw rejected(CsrRejectedException.Problem.MALFORMED, "CSR PEM block is not valid base64");
        }
    }

    private static PKCS10CertificationRequest parse(byte[] der) {
        String shape = DerLimits.check(der, DerLimits.MAX_DEPTH);
        if (shape != null) {
            throw rejected(CsrRejectedException.Problem.MALFORMED, "CSR is not a valid PKCS#10 structure: " + shape);
        }
        try (ASN1InputStream in = new ASN1InputStream(der)) {
            ASN1Primitive object = in.readObject();
            if (object == null || in.readObject() != null) {
                throw rejected(CsrRejectedException.Problem.MALFORMED, "CSR must be exactly one DER structure");
            }
            return new PKCS10CertificationRequest(CertificationRequest.getInstance(object));
        } catch (CsrRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw rejected(CsrRejectedException.Problem.MALFORMED, "CSR is not a valid PKCS#10 structure");
        }
    }

    private static CsrRejectedException rejected(CsrRejectedException.Problem problem, String message) {
        return new CsrRejectedException(problem, message);
    }
}
