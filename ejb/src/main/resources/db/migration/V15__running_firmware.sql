-- What each device last reported running, from its update status reports (docs/ota.md): version and build id
-- of the running app and its anti-rollback (eFuse) counter. One row per device, replaced by each fresh report.
CREATE TABLE running_firmware (
    device_id         VARCHAR(64)  NOT NULL PRIMARY KEY REFERENCES device (id),
    version           BIGINT       NOT NULL,
    build_id          VARCHAR(32)  NOT NULL,
    security_version  INTEGER      NOT NULL,
    update_id         VARCHAR(32)  NOT NULL,
    reported_at       TIMESTAMP    NOT NULL,
    row_version       BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT running_firmware_version_check CHECK (version BETWEEN 0 AND 4294967295
        AND security_version BETWEEN 0 AND 64)
);
