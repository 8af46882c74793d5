package org.devicetrust.pki.control;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** PEM text (RFC 7468) for certificates, CRLs and CSRs. */
public final class Pem {

    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String X509_CRL = "X509 CRL";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";

    private Pem() {
    }

    public static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    public static String certificate(X509Certificate certificate) {
        try {
            return encode(CERTIFICATE, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    public static String certificates(List<X509Certificate> certificates) {
        StringBuilder pem = new StringBuilder();
        certificates.forEach(c -> pem.append(certificate(c)));
        return pem.toString();
    }

    public static byte[] crl(byte[] der) {
        return encode(X509_CRL, der).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The DER inside the first PEM block with one of the given labels, or {@code null} when the text has no such
     * block. Invalid base64 is an {@link IllegalArgumentException}.
     */
    public static byte[] decode(String text, String... labels) {
        for (String label : labels) {
            String begin = "-----BEGIN " + label + "-----";
            String end = "-----END " + label + "-----";
            int from = text.indexOf(begin);
            if (from < 0) {
                continue;
            }
            int to = text.indexOf(end, from + begin.length());
            if (to < 0) {
                throw new IllegalArgumentException("PEM block " + label + " has no END line");
            }
            return Base64.getDecoder().decode(text.substring(from + begin.length(), to).replaceAll("\\s", ""));
        }
        return null;
    }
}
