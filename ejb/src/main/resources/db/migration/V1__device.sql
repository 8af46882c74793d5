-- Device registry. Same DDL on PostgreSQL and H2 (the embedded default).
CREATE TABLE device (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    status      VARCHAR(20)  NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    updated_at  TIMESTAMP    NOT NULL,
    version     BIGINT       NOT NULL,
    CONSTRAINT device_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DECOMMISSIONED'))
);
CREATE INDEX device_status_idx ON device (status);
CREATE INDEX device_name_idx ON device (name);
CREATE INDEX device_created_idx ON device (created_at);

CREATE SEQUENCE device_status_change_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE device_status_change (
    id          BIGINT       NOT NULL PRIMARY KEY,
    device_id   VARCHAR(64)  NOT NULL REFERENCES device (id),
    from_status VARCHAR(20),
    to_status   VARCHAR(20)  NOT NULL,
    changed_at  TIMESTAMP    NOT NULL,
    changed_by  VARCHAR(200) NOT NULL,
    reason      VARCHAR(500) NOT NULL
);
CREATE INDEX device_status_change_device_idx ON device_status_change (device_id, changed_at);
