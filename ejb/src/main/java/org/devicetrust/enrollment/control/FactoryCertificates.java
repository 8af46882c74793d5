package org.devicetrust.enrollment.control;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.devicetrust.platform.entity.DeviceId;

/**
 * Factory certificates (IEEE 802.1AR IDevID) from the manufacturer CAs an operator configured: whether a TLS
 * client chain is one, and which device it names. The device id is the subject's {@code serialNumber} attribute
 * (OID 2.5.4.5, where IEEE 802.1AR puts the device serial number), exactly one, and it must be a valid device id.
 * Pure: trust anchors and time come in, nothing is stored.
 */
public final class FactoryCertificates {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final int MAX_CHAIN = 5;

    private final Set<TrustAnchor> anchors;

    private FactoryCertificates(Set<TrustAnchor> anchors) {
        this.anchors = anchors;
    }

    /** The manufacturer CA certificates of a PEM file (one or more {@code CERTIFICATE} blocks). */
    public static FactoryCertificates fromPem(byte[] pem) {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (Certificate c :
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                X509Certificate ca = (X509Certificate) c;
                if (ca.getBasicConstraints() < 0) {
                    throw new IllegalArgumentException("not a CA certificate: " + ca.getSubjectX500Principal());
                }
                anchors.add(new TrustAnchor(ca, null));
            }
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("no CA certificate in the manufacturer CA file");
            }
            return new FactoryCertificates(Set.copyOf(anchors));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable manufacturer CA file: " + e.getMessage(), e);
        }
    }

    /**
     * The device id a factory certificate names, when the chain (end entity first, as TLS hands it over) leads to
     * a manufacturer CA, is valid at {@code now}, is an end entity allowed for client authentication and names
     * exactly one valid device id. Revocation is not checked: manufacturers rarely publish CRLs for IDevIDs; the
     * device registry (registered, ACTIVE) is the switch an operator turns off.
     */
    public Optional<String> deviceIdOf(X509Certificate[] chain, Instant now) {
        if (chain == null || chain.length == 0 || chain.length > MAX_CHAIN || chain[0] == null) {
            return Optional.empty();
        }
        X509Certificate leaf = chain[0];
        try {
            if (leaf.getBasicConstraints() >= 0 || !clientAuthAllowed(leaf)) {
                return Optional.empty();
            }
            boolean[] keyUsage = leaf.getKeyUsage();
            if (keyUsage != null && !keyUsage[0]) {
                return Optional.empty(); // digitalSignature is what a TLS client key does
            }
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate c : chain) {
                if (c == null) {
                    return Optional.empty();
                }
                if (anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c))) {
                    break; // the anchor itself is not part of the path
                }
                path.add(c);
            }
            if (path.isEmpty()) {
                return Optional.empty();
            }
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
        return serialNumberOf(leaf).filter(DeviceId::isValid);
    }

    /** The single subject serialNumber attribute, if there is exactly one. */
    static Optional<String> serialNumberOf(X509Certificate certificate) {
        RDN[] rdns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded())
                .getRDNs(BCStyle.SERIALNUMBER);
        if (rdns.length != 1 || rdns[0].isMultiValued()) {
            return Optional.empty();
        }
        return Optional.of(IETFUtils.valueToString(rdns[0].getFirst().getValue()));
    }

    private static boolean clientAuthAllowed(X509Certificate leaf) throws GeneralSecurityException {
        List<String> eku = leaf.getExtendedKeyUsage();
        return eku == null || eku.contains(CLIENT_AUTH) || eku.contains(ANY_EKU);
    }

    @Override
    public String toString() {
        return "FactoryCertificates"
                + Arrays.toString(anchors.stream()
                        .map(a -> a.getTrustedCert().getSubjectX500Principal().getName())
                        .toArray());
    }
}
