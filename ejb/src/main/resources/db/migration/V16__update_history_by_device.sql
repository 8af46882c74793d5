-- A device's update history (console device page): its updates newest first, without scanning every rollout.
CREATE INDEX update_execution_device_idx ON update_execution (device_id, rollout_id);
