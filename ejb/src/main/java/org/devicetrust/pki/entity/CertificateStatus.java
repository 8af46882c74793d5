package org.devicetrust.pki.entity;

/** An issued certificate is valid until it expires, or revoked. Revocation is final. */
public enum CertificateStatus {
    ISSUED,
    REVOKED
}
