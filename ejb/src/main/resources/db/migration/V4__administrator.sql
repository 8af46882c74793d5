-- Console and admin API accounts. Passwords are stored as PBKDF2 hashes only.
CREATE TABLE administrator (
    username        VARCHAR(64)  NOT NULL PRIMARY KEY,
    password_hash   VARCHAR(400) NOT NULL,
    role            VARCHAR(20)  NOT NULL,
    failed_attempts INTEGER      NOT NULL,
    locked_until    TIMESTAMP,
    created_at      TIMESTAMP    NOT NULL,
    CONSTRAINT administrator_role_check CHECK (role IN ('admin', 'operator', 'auditor'))
);
