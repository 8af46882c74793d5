package org.devicetrust.web.admin;

import java.time.Instant;
import org.devicetrust.pki.entity.IssuedCertificate;

/** An issued certificate as the admin API shows it; {@code pem} is the certificate only, never a key. */
public record CertificateResponse(String serial, String deviceId, String subject, String issuer, String status,
        Instant notBefore, Instant notAfter, String sha256Fingerprint, String keyType, Instant revokedAt,
        String revocationReason, String pem) {

    public static CertificateResponse of(IssuedCertificate c) {
        return new CertificateResponse(c.serialHex(), c.deviceId().value(), c.subjectDn(), c.issuerDn(),
                c.status().name(), c.notBefore(), c.notAfter(), c.sha256Fingerprint(), c.keyDescription(),
                c.revokedAt(), c.revocationReason() == null ? null : c.revocationReason().rfcName(), c.pem());
    }
}
