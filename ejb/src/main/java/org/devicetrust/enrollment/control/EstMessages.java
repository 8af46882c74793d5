package org.devicetrust.enrollment.control;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;

/** The DER bodies of EST responses (RFC 7030): certs-only CMS and the CSR attributes. Pure, no side effects. */
public final class EstMessages {

    private EstMessages() {}

    /** A degenerate CMS SignedData (no signers, no content) carrying the certificates: "certs-only". */
    public static byte[] certsOnly(List<X509Certificate> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new JcaCertStore(certificates));
            return generator.generate(new CMSAbsentContent()).getEncoded(ASN1Encoding.DER);
        } catch (CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("cannot encode certs-only CMS", e);
        }
    }

    /**
     * CsrAttrs (RFC 7030 section 4.5.2): an EC key on P-256 (attribute id-ecPublicKey with value secp256r1) and a
     * signature with ecdsa-with-SHA256. The subject rule (CN = device id) has no standard encoding here and is
     * documented instead.
     */
    public static byte[] csrAttributes() {
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(SECObjectIdentifiers.secp256r1)));
        attributes.add(X9ObjectIdentifiers.ecdsa_with_SHA256);
        try {
            return new DERSequence(attributes).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode CSR attributes", e);
        }
    }
}
