-- Firmware releases (docs/ota.md): the signed image is held whole, as a device's slot will hold it (at most one
-- app slot, 4 MiB); the digests are lowercase hex. One image per release: the manifest digest is unique.
CREATE SEQUENCE firmware_release_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE firmware_release (
    id                BIGINT       NOT NULL PRIMARY KEY,
    image             BYTEA        NOT NULL,
    image_length      BIGINT       NOT NULL,
    payload_digest    VARCHAR(64)  NOT NULL,
    manifest_digest   VARCHAR(64)  NOT NULL,
    key_slot          INTEGER      NOT NULL,
    key_digest        VARCHAR(64)  NOT NULL,
    image_type        VARCHAR(16)  NOT NULL,
    version           BIGINT       NOT NULL,
    security_version  INTEGER      NOT NULL,
    build_id          VARCHAR(32)  NOT NULL,
    state             VARCHAR(16)  NOT NULL,
    uploaded_by       VARCHAR(128) NOT NULL,
    uploaded_at       TIMESTAMP    NOT NULL,
    approved_by       VARCHAR(128),
    approved_at       TIMESTAMP,
    revoked_by        VARCHAR(128),
    revoked_at        TIMESTAMP,
    row_version       BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT firmware_release_manifest_unique UNIQUE (manifest_digest),
    CONSTRAINT firmware_release_length_check CHECK (image_length = octet_length(image) AND image_length <= 4194304),
    CONSTRAINT firmware_release_slot_check CHECK (key_slot BETWEEN 0 AND 2),
    CONSTRAINT firmware_release_security_version_check CHECK (security_version BETWEEN 0 AND 64),
    CONSTRAINT firmware_release_state_check
        CHECK (state IN ('UPLOADED', 'SIGNED', 'VERIFIED', 'APPROVED', 'REVOKED')),
    CONSTRAINT firmware_release_approval_check CHECK (state <> 'APPROVED' OR approved_by IS NOT NULL),
    CONSTRAINT firmware_release_revocation_check CHECK (state <> 'REVOKED' OR revoked_by IS NOT NULL)
);

CREATE INDEX firmware_release_approved_idx ON firmware_release (approved_at, security_version);
