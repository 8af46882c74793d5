package org.devicetrust.pki.control;

import java.math.BigInteger;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Which subject keys the CA certifies: EC on P-256 or P-384 (named curve) and RSA from 2048 to 8192 bits with an
 * odd public exponent of at least 65537. Everything else is refused with a message that names the key.
 */
public final class KeyPolicy {

    public static final int MIN_RSA_BITS = 2048;
    /** Larger RSA keys add nothing but cost; the bound also caps the work an attacker can make us do. */
    public static final int MAX_RSA_BITS = 8192;
    private static final BigInteger MIN_RSA_EXPONENT = BigInteger.valueOf(65537);
    private static final String ALLOWED = "allowed: EC P-256, EC P-384, RSA 2048-8192 bits";
    private static final Map<ASN1ObjectIdentifier, String> ALLOWED_CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "P-256",
            SECObjectIdentifiers.secp384r1, "P-384");

    private KeyPolicy() {
    }

    /** A short description of an accepted key, e.g. "EC P-256" or "RSA 3072". */
    public static String check(SubjectPublicKeyInfo key) {
        AlgorithmIdentifier algorithm = key.getAlgorithm();
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            return checkEc(algorithm);
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            return checkRsa(key);
        }
        throw unsupported(describe(oid) + " keys are not supported");
    }

    private static String checkEc(AlgorithmIdentifier algorithm) {
        if (!(algorithm.getParameters() instanceof ASN1ObjectIdentifier curve)) {
            throw unsupported("EC keys must name their curve (explicit or implicit parameters are not accepted)");
        }
        String name = ALLOWED_CURVES.get(curve);
        if (name == null) {
            String curveName = SECNamedCurves.getName(curve) != null ? SECNamedCurves.getName(curve)
                    : ECNamedCurveTable.getName(curve);
            throw unsupported("EC curve " + (curveName == null ? curve.getId() : curveName) + " is not supported");
        }
        return "EC " + name;
    }

    private static String checkRsa(SubjectPublicKeyInfo key) {
        RSAPublicKey rsa;
        try {
            rsa = RSAPublicKey.getInstance(ASN1Primitive.fromByteArray(key.getPublicKeyData().getOctets()));
        } catch (Exception e) {
            throw new CsrRejectedException(CsrRejectedException.Problem.MALFORMED, "RSA public key is malformed");
        }
        int bits = rsa.getModulus().bitLength();
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw unsupported("RSA key of " + bits + " bits is not supported");
        }
        BigInteger e = rsa.getPublicExponent();
        if (!e.testBit(0) || e.compareTo(MIN_RSA_EXPONENT) < 0) {
            throw unsupported("RSA public exponent must be odd and at least 65537");
        }
        return "RSA " + bits;
    }

    private static String describe(ASN1ObjectIdentifier oid) {
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return "Ed25519";
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            return "Ed448";
        }
        if (X9ObjectIdentifiers.id_dsa.equals(oid)) {
            return "DSA";
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            return "RSASSA-PSS";
        }
        return "algorithm " + oid.getId();
    }

    private static CsrRejectedException unsupported(String what) {
        return new CsrRejectedException(CsrRejectedException.Problem.KEY_UNSUPPORTED, what + " (" + ALLOWED + ")");
    }
}
