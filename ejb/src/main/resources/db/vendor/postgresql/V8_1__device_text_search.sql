-- PostgreSQL only: trigram indexes make the console's "id or name contains" filter an index search instead of
-- a scan of the whole fleet. pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13 and
-- later), so the database owner may create it. Where the DeviceTrust user may not, the filter still works,
-- only without the index, and the server log says so.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX device_id_trgm_idx ON device USING gin (id gin_trgm_ops);
    CREATE INDEX device_name_trgm_idx ON device USING gin (lower(name) gin_trgm_ops);
EXCEPTION
    WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
        RAISE WARNING 'DeviceTrust: pg_trgm not available (%); the device text filter runs without an index', SQLERRM;
END
$$;
