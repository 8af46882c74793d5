-- Tamper-evident audit log: a hash chain serialized through the single head row.
CREATE TABLE audit_record (
    seq            BIGINT        NOT NULL PRIMARY KEY,
    occurred_at_ms BIGINT        NOT NULL,
    actor          VARCHAR(200)  NOT NULL,
    action         VARCHAR(40)   NOT NULL,
    subject        VARCHAR(200)  NOT NULL,
    outcome        VARCHAR(10)   NOT NULL,
    detail         VARCHAR(2000) NOT NULL,
    prev_hash      CHAR(64)      NOT NULL,
    hash           CHAR(64)      NOT NULL
);
CREATE INDEX audit_record_time_idx ON audit_record (occurred_at_ms);
CREATE INDEX audit_record_actor_idx ON audit_record (actor, occurred_at_ms);
CREATE INDEX audit_record_action_idx ON audit_record (action, occurred_at_ms);
CREATE INDEX audit_record_subject_idx ON audit_record (subject, occurred_at_ms);

CREATE TABLE audit_chain_head (
    id        INTEGER  NOT NULL PRIMARY KEY,
    last_seq  BIGINT   NOT NULL,
    last_hash CHAR(64) NOT NULL
);
INSERT INTO audit_chain_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
