-- Certificates issued by the Device CA and the CRLs it published. Same DDL on PostgreSQL and H2.
-- The database is the source of truth for revocation: the device API looks every request up here.
-- EclipseLink pre-allocates [value - size + 1, value]: the first value must be at least the increment.
CREATE SEQUENCE issued_certificate_seq START WITH 50 INCREMENT BY 50;
CREATE TABLE issued_certificate (
    id                 BIGINT         NOT NULL PRIMARY KEY,
    issuer_dn          VARCHAR(500)   NOT NULL,
    serial_hex         VARCHAR(40)    NOT NULL,
    device_id          VARCHAR(64)    NOT NULL REFERENCES device (id),
    subject_dn         VARCHAR(500)   NOT NULL,
    pem                VARCHAR(16000) NOT NULL,
    sha256_fingerprint CHAR(64)       NOT NULL,
    key_description    VARCHAR(40)    NOT NULL,
    not_before         TIMESTAMP      NOT NULL,
    not_after          TIMESTAMP      NOT NULL,
    status             VARCHAR(10)    NOT NULL,
    issued_at          TIMESTAMP      NOT NULL,
    issued_by          VARCHAR(200)   NOT NULL,
    revoked_at         TIMESTAMP,
    revocation_reason  VARCHAR(30),
    revoked_by         VARCHAR(200),
    version            BIGINT         NOT NULL,
    CONSTRAINT issued_certificate_serial_uk UNIQUE (issuer_dn, serial_hex),
    CONSTRAINT issued_certificate_fingerprint_uk UNIQUE (sha256_fingerprint),
    CONSTRAINT issued_certificate_status_check CHECK (status IN ('ISSUED', 'REVOKED')),
    CONSTRAINT issued_certificate_revoked_check CHECK (
        (status = 'ISSUED' AND revoked_at IS NULL AND revocation_reason IS NULL)
        OR (status = 'REVOKED' AND revoked_at IS NOT NULL AND revocation_reason IS NOT NULL))
);
CREATE INDEX issued_certificate_serial_idx ON issued_certificate (serial_hex);
CREATE INDEX issued_certificate_device_idx ON issued_certificate (device_id);
CREATE INDEX issued_certificate_status_expiry_idx ON issued_certificate (status, not_after);
CREATE INDEX issued_certificate_not_after_idx ON issued_certificate (not_after);

-- One row per issuing CA: the last CRL number handed out. Locking this row serializes revocation and CRL
-- generation, so every CRL contains every revocation committed before it.
CREATE TABLE crl_series (
    issuer_dn       VARCHAR(500) NOT NULL PRIMARY KEY,
    last_crl_number BIGINT       NOT NULL,
    CONSTRAINT crl_series_number_check CHECK (last_crl_number >= 0)
);

CREATE SEQUENCE published_crl_seq START WITH 10 INCREMENT BY 10;
CREATE TABLE published_crl (
    id           BIGINT       NOT NULL PRIMARY KEY,
    issuer_dn    VARCHAR(500) NOT NULL,
    crl_number   BIGINT       NOT NULL,
    this_update  TIMESTAMP    NOT NULL,
    next_update  TIMESTAMP    NOT NULL,
    entry_count  INTEGER      NOT NULL,
    der          BYTEA        NOT NULL,
    CONSTRAINT published_crl_number_uk UNIQUE (issuer_dn, crl_number),
    CONSTRAINT published_crl_times_check CHECK (next_update > this_update)
);
