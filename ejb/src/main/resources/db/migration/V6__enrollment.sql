-- One-time enrollment tokens for EST bootstrap (RFC 7030 section 3.2.3: HTTP Basic, user = device id,
-- password = token). Only the SHA-256 of the token is stored; the token itself is shown once to the
-- administrator who created it. Same DDL on PostgreSQL and H2.
-- EclipseLink refuses a first sequence value below the allocation size, hence START WITH = INCREMENT BY.
CREATE SEQUENCE enrollment_token_seq START WITH 10 INCREMENT BY 10;
CREATE TABLE enrollment_token (
    id               BIGINT       NOT NULL PRIMARY KEY,
    device_id        VARCHAR(64)  NOT NULL REFERENCES device (id),
    token_sha256     CHAR(64)     NOT NULL,
    created_at       TIMESTAMP    NOT NULL,
    created_by       VARCHAR(200) NOT NULL,
    expires_at       TIMESTAMP    NOT NULL,
    consumed_at      TIMESTAMP,
    consumed_serial  VARCHAR(40),
    version          BIGINT       NOT NULL,
    CONSTRAINT enrollment_token_hash_uk UNIQUE (token_sha256),
    CONSTRAINT enrollment_token_expiry_check CHECK (expires_at > created_at),
    CONSTRAINT enrollment_token_consumed_check CHECK (
        (consumed_at IS NULL AND consumed_serial IS NULL)
        OR (consumed_at IS NOT NULL AND consumed_serial IS NOT NULL))
);
CREATE INDEX enrollment_token_device_idx ON enrollment_token (device_id);
