-- The change feed of the device API's in-memory authorization view: one row per certificate issued or
-- revoked and per device status change, written in the transaction of the change. Every node polls it
-- (seq greater than the highest it has seen, plus the numbers it skipped because their transactions had not
-- committed yet). INCREMENT BY 1 and one number per row: the view orders changes by it.
CREATE SEQUENCE authorization_change_seq START WITH 1 INCREMENT BY 1;
CREATE TABLE authorization_change (
    seq               BIGINT       NOT NULL PRIMARY KEY,
    kind              VARCHAR(24)  NOT NULL,
    serial_hex        VARCHAR(40),
    device_id         VARCHAR(64),
    status            VARCHAR(20),
    revoked_at        TIMESTAMP,
    revocation_reason VARCHAR(30),
    recorded_at       TIMESTAMP    NOT NULL,
    CONSTRAINT authorization_change_kind_check
        CHECK (kind IN ('CERTIFICATE_ISSUED', 'CERTIFICATE_REVOKED', 'DEVICE_STATUS')),
    CONSTRAINT authorization_change_subject_check CHECK (
        (kind = 'DEVICE_STATUS' AND device_id IS NOT NULL AND serial_hex IS NULL)
        OR (kind <> 'DEVICE_STATUS' AND serial_hex IS NOT NULL))
);
CREATE INDEX authorization_change_recorded_idx ON authorization_change (recorded_at);
