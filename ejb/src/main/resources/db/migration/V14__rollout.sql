-- Rollouts of an approved firmware release over devices in staged groups, and one update execution per device
-- and rollout (docs/ota.md). At most one execution per device is open: open_device_id holds the device id while
-- the execution is open and NULL once it ended, under a UNIQUE constraint (NULLs are distinct). This is the
-- partial unique index "device_id WHERE open", in a form H2 (the embedded default) accepts as well.
CREATE SEQUENCE rollout_seq START WITH 1 INCREMENT BY 1;
CREATE SEQUENCE rollout_group_seq START WITH 1 INCREMENT BY 1;

CREATE TABLE rollout (
    id                      BIGINT       NOT NULL PRIMARY KEY,
    release_id              BIGINT       NOT NULL REFERENCES firmware_release (id),
    state                   VARCHAR(16)  NOT NULL,
    pause_reason            VARCHAR(16),
    success_percent         INTEGER      NOT NULL,
    error_percent           INTEGER      NOT NULL,
    min_executed            INTEGER      NOT NULL,
    absolute_max            INTEGER      NOT NULL,
    action_timeout_seconds  INTEGER      NOT NULL,
    max_offers_per_minute   INTEGER      NOT NULL,
    chunk_size              INTEGER      NOT NULL,
    forgiven_failed         BIGINT       NOT NULL DEFAULT 0,
    forgiven_terminal       BIGINT       NOT NULL DEFAULT 0,
    offers_at_pause         BIGINT,
    created_by              VARCHAR(128) NOT NULL,
    created_at              TIMESTAMP    NOT NULL,
    changed_at              TIMESTAMP    NOT NULL,
    row_version             BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT rollout_state_check CHECK (state IN ('DRAFT', 'RUNNING', 'PAUSED', 'STOPPED', 'FINISHED')),
    CONSTRAINT rollout_percent_check CHECK (success_percent BETWEEN 1 AND 100 AND error_percent BETWEEN 1 AND 100),
    CONSTRAINT rollout_limits_check CHECK (min_executed >= 1 AND absolute_max >= 0 AND action_timeout_seconds >= 1
        AND max_offers_per_minute >= 1 AND chunk_size BETWEEN 512 AND 6144)
);

CREATE TABLE rollout_group (
    id                 BIGINT      NOT NULL PRIMARY KEY,
    rollout_id         BIGINT      NOT NULL REFERENCES rollout (id),
    position           INTEGER     NOT NULL,
    state              VARCHAR(16) NOT NULL,
    size               INTEGER     NOT NULL,
    forgiven_failed    BIGINT      NOT NULL DEFAULT 0,
    forgiven_terminal  BIGINT      NOT NULL DEFAULT 0,
    CONSTRAINT rollout_group_position_unique UNIQUE (rollout_id, position),
    CONSTRAINT rollout_group_state_check CHECK (state IN ('SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED'))
);

CREATE TABLE update_execution (
    id              VARCHAR(32)  NOT NULL PRIMARY KEY,
    rollout_id      BIGINT       NOT NULL REFERENCES rollout (id),
    group_id        BIGINT       NOT NULL REFERENCES rollout_group (id),
    device_id       VARCHAR(64)  NOT NULL,
    open_device_id  VARCHAR(64),
    state           VARCHAR(16)  NOT NULL,
    last_seq        BIGINT       NOT NULL DEFAULT 0,
    last_code       INTEGER,
    offered_at      TIMESTAMP,
    deadline        TIMESTAMP,
    finished_at     TIMESTAMP,
    row_version     BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT update_execution_open_unique UNIQUE (open_device_id),
    CONSTRAINT update_execution_state_check CHECK (state IN ('QUEUED', 'OFFERED', 'DOWNLOADING', 'DOWNLOADED',
        'INSTALLING', 'SUCCEEDED', 'REVERTED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED')),
    CONSTRAINT update_execution_open_check CHECK (
        (open_device_id IS NULL AND state IN ('SUCCEEDED', 'REVERTED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED'))
        OR (open_device_id = device_id
            AND state IN ('QUEUED', 'OFFERED', 'DOWNLOADING', 'DOWNLOADED', 'INSTALLING')))
);

CREATE INDEX update_execution_group_idx ON update_execution (group_id, state);
CREATE INDEX update_execution_rollout_idx ON update_execution (rollout_id, offered_at);
CREATE INDEX update_execution_deadline_idx ON update_execution (deadline);
