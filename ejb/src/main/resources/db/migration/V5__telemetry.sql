-- Telemetry documents devices post about themselves over the mutual-TLS device API. Same DDL on PostgreSQL
-- and H2. The body is the compact JSON the device API validated (at most 8 KiB).
-- EclipseLink takes each NEXT VALUE as the end of a block of 50: the first value must be 50, not 1.
CREATE SEQUENCE telemetry_seq START WITH 50 INCREMENT BY 50;
CREATE TABLE telemetry (
    id                 BIGINT        NOT NULL PRIMARY KEY,
    device_id          VARCHAR(64)   NOT NULL REFERENCES device (id),
    received_at        TIMESTAMP     NOT NULL,
    certificate_serial VARCHAR(40)   NOT NULL,
    body               VARCHAR(8192) NOT NULL
);
CREATE INDEX telemetry_device_idx ON telemetry (device_id, received_at);
