-- The console pages through the fleet sorted by any column, with the id as the tie-break in the same direction.
-- One (column, id) index per sortable column serves a page in either direction without sorting the table.
DROP INDEX device_name_idx;
CREATE INDEX device_name_idx ON device (name, id);
DROP INDEX device_status_idx;
CREATE INDEX device_status_idx ON device (status, id);
DROP INDEX device_created_idx;
CREATE INDEX device_created_idx ON device (created_at, id);
CREATE INDEX device_updated_idx ON device (updated_at, id);
