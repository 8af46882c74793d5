-- A rollout may be created to start later: a DRAFT with start_at set is started by the timer once it is due.
ALTER TABLE rollout ADD COLUMN start_at TIMESTAMP;
CREATE INDEX rollout_due_idx ON rollout (state, start_at);
