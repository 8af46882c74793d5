package org.devicetrust.pki.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.devicetrust.platform.entity.DeviceId;

/** A certificate the Device CA issued, linked to its device; the revocation status lives here. */
@Entity
@Table(name = "issued_certificate")
@NamedQuery(
        name = IssuedCertificate.FIND_BY_SERIAL,
        query = "SELECT c FROM IssuedCertificate c WHERE c.issuerDn = :issuer AND c.serialHex = :serial")
@NamedQuery(
        name = IssuedCertificate.FIND_STATUS_BY_SERIAL,
        query = "SELECT c.status, c.revokedAt, c.revocationReason FROM IssuedCertificate c"
                + " WHERE c.issuerDn = :issuer AND c.serialHex = :serial")
@NamedQuery(
        name = IssuedCertificate.FIND_STATUS_PAGE,
        query = "SELECT c.id, c.serialHex, c.status, c.revokedAt, c.revocationReason FROM IssuedCertificate c"
                + " WHERE c.issuerDn = :issuer AND c.id > :after AND c.notAfter > :now ORDER BY c.id")
@NamedQuery(
        name = IssuedCertificate.FIND_BY_DEVICE,
        query = "SELECT c FROM IssuedCertificate c WHERE c.deviceId = :device ORDER BY c.issuedAt DESC, c.id DESC")
@NamedQuery(
        name = IssuedCertificate.FIND_REVOKED_UNEXPIRED,
        query = "SELECT c.serialHex, c.revokedAt, c.revocationReason FROM IssuedCertificate c"
                + " WHERE c.issuerDn = :issuer AND c.status = org.devicetrust.pki.entity.CertificateStatus.REVOKED"
                + " AND c.notAfter > :now ORDER BY c.revokedAt, c.id")
@NamedQuery(
        name = IssuedCertificate.FIND_REVOKED_SINCE,
        query = "SELECT c.serialHex, c.revokedAt, c.revocationReason FROM IssuedCertificate c"
                + " WHERE c.issuerDn = :issuer AND c.status = org.devicetrust.pki.entity.CertificateStatus.REVOKED"
                + " AND c.revokedAt >= :since AND c.notAfter > :now ORDER BY c.revokedAt, c.id")
@NamedQuery(
        name = IssuedCertificate.COUNT_BY_STATUS,
        query = "SELECT c.status, COUNT(c) FROM IssuedCertificate c GROUP BY c.status")
@NamedQuery(
        name = IssuedCertificate.COUNT_EXPIRING,
        query = "SELECT COUNT(c) FROM IssuedCertificate c WHERE c.status = org.devicetrust.pki.entity"
                + ".CertificateStatus.ISSUED AND c.notAfter > :now AND c.notAfter <= :until")
@NamedQuery(
        name = IssuedCertificate.FIND_EXPIRING,
        query = "SELECT c FROM IssuedCertificate c WHERE c.status = org.devicetrust.pki.entity"
                + ".CertificateStatus.ISSUED AND c.notAfter > :now AND c.notAfter <= :until ORDER BY c.notAfter")
public class IssuedCertificate {

    public static final String FIND_BY_SERIAL = "IssuedCertificate.findBySerial";
    public static final String FIND_STATUS_BY_SERIAL = "IssuedCertificate.findStatusBySerial";
    public static final String FIND_STATUS_PAGE = "IssuedCertificate.findStatusPage";
    public static final String FIND_BY_DEVICE = "IssuedCertificate.findByDevice";
    public static final String FIND_REVOKED_UNEXPIRED = "IssuedCertificate.findRevokedUnexpired";
    public static final String FIND_REVOKED_SINCE = "IssuedCertificate.findRevokedSince";
    public static final String COUNT_BY_STATUS = "IssuedCertificate.countByStatus";
    public static final String COUNT_EXPIRING = "IssuedCertificate.countExpiring";
    public static final String FIND_EXPIRING = "IssuedCertificate.findExpiring";
    public static final int MAX_PEM_LENGTH = 16000;
    /** 159-bit serials are at most 40 hex digits. */
    public static final int MAX_SERIAL_HEX = 40;

    @Id
    @SequenceGenerator(name = "issued_certificate_seq", sequenceName = "issued_certificate_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "issued_certificate_seq")
    @Column(name = "id")
    private Long id;

    @Column(name = "issuer_dn", nullable = false, length = 500)
    private String issuerDn;

    @Column(name = "serial_hex", nullable = false, length = MAX_SERIAL_HEX)
    private String serialHex;

    @Column(name = "device_id", nullable = false, length = 64)
    private String deviceId;

    @Column(name = "subject_dn", nullable = false, length = 500)
    private String subjectDn;

    @Column(name = "pem", nullable = false, length = MAX_PEM_LENGTH)
    private String pem;

    @Column(name = "sha256_fingerprint", nullable = false, length = 64)
    private String sha256Fingerprint;

    @Column(name = "key_description", nullable = false, length = 40)
    private String keyDescription;

    @Column(name = "not_before", nullable = false)
    private Instant notBefore;

    @Column(name = "not_after", nullable = false)
    private Instant notAfter;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 10)
    private CertificateStatus status;

    @Column(name = "issued_at", nullable = false)
    private Instant issuedAt;

    @Column(name = "issued_by", nullable = false, length = 200)
    private String issuedBy;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Enumerated(EnumType.STRING)
    @Column(name = "revocation_reason", length = 30)
    private RevocationReason revocationReason;

    @Column(name = "revoked_by", length = 200)
    private String revokedBy;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected IssuedCertificate() {
        // for JPA
    }

    public IssuedCertificate(
            X509Certificate certificate, DeviceId device, String keyDescription, Instant issuedAt, String issuedBy) {
        Objects.requireNonNull(certificate, "certificate");
        this.deviceId = Objects.requireNonNull(device, "device").value();
        this.serialHex = new SerialNumber(certificate.getSerialNumber()).hex();
        this.issuerDn = canonicalDn(certificate.getIssuerX500Principal());
        this.subjectDn = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        if (!subjectDn.equals("CN=" + device.value())) {
            throw new IllegalArgumentException("certificate subject " + subjectDn + " is not device " + device);
        }
        byte[] der;
        try {
            der = certificate.getEncoded();
            this.sha256Fingerprint = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
        this.pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END CERTIFICATE-----\n";
        if (pem.length() > MAX_PEM_LENGTH) {
            throw new IllegalArgumentException("certificate is too large to store");
        }
        this.keyDescription = Objects.requireNonNull(keyDescription, "keyDescription");
        this.notBefore = certificate.getNotBefore().toInstant();
        this.notAfter = certificate.getNotAfter().toInstant();
        this.status = CertificateStatus.ISSUED;
        this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
        this.issuedBy = Objects.requireNonNull(issuedBy, "issuedBy");
    }

    /** The form serials are stored and looked up in: lower-case hex, no leading zeros. */
    public static String serialHex(BigInteger serial) {
        return serial.toString(16); // SerialNumber#hex() for serials this CA can have issued
    }

    /** The form issuer names are stored in (RFC 2253 of the DER name: stable for one CA certificate). */
    public static String canonicalDn(X500Principal principal) {
        return principal.getName(X500Principal.RFC2253);
    }

    /** Marks the certificate revoked; revocation is final. */
    public void revoke(RevocationReason reason, Instant when, String by) {
        if (status == CertificateStatus.REVOKED) {
            throw new IllegalStateException("certificate " + serialHex + " is already revoked");
        }
        this.revocationReason = Objects.requireNonNull(reason, "reason");
        this.revokedAt = Objects.requireNonNull(when, "when");
        this.revokedBy = Objects.requireNonNull(by, "by");
        this.status = CertificateStatus.REVOKED;
    }

    public boolean isRevoked() {
        return status == CertificateStatus.REVOKED;
    }

    public RevocationStatus revocationStatus() {
        return isRevoked()
                ? new RevocationStatus(RevocationStatus.State.REVOKED, revokedAt, revocationReason)
                : RevocationStatus.GOOD;
    }

    /** The certificate itself, parsed from the stored PEM. */
    public X509Certificate certificate() {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored certificate " + serialHex + " cannot be parsed", e);
        }
    }

    public Long id() {
        return id;
    }

    public String issuerDn() {
        return issuerDn;
    }

    public String serialHex() {
        return serialHex;
    }

    public BigInteger serial() {
        return new BigInteger(serialHex, 16);
    }

    public DeviceId deviceId() {
        return new DeviceId(deviceId);
    }

    public String subjectDn() {
        return subjectDn;
    }

    public String pem() {
        return pem;
    }

    /** SHA-256 over the DER encoding, lower-case hex. */
    public String sha256Fingerprint() {
        return sha256Fingerprint;
    }

    public String keyDescription() {
        return keyDescription;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public CertificateStatus status() {
        return status;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    public String issuedBy() {
        return issuedBy;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public RevocationReason revocationReason() {
        return revocationReason;
    }

    public String revokedBy() {
        return revokedBy;
    }
}
