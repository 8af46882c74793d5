-- Device authorization decisions per hour, kept up to date with the audit chain (in the same transaction
-- that appends the DEVICE_ACCESS records), so the dashboard reads 24 rows instead of counting every decision
-- of the last day in the audit log. Filled here from the decisions already recorded.
CREATE TABLE device_access_hour (
    hour_start_ms BIGINT NOT NULL PRIMARY KEY,
    allowed       BIGINT NOT NULL,
    refused       BIGINT NOT NULL
);
INSERT INTO device_access_hour (hour_start_ms, allowed, refused)
    SELECT (occurred_at_ms / 3600000) * 3600000,
           SUM(CASE WHEN outcome = 'SUCCESS' THEN 1 ELSE 0 END),
           SUM(CASE WHEN outcome = 'SUCCESS' THEN 0 ELSE 1 END)
    FROM audit_record
    WHERE action = 'DEVICE_ACCESS'
    GROUP BY (occurred_at_ms / 3600000) * 3600000;
