-- An assessment's request_id is unique per station, not per key: a resubmission
-- after a key rotation, or from a colleague's session of the same form, finds the
-- first assessment. The station is its referral's.
ALTER TABLE assessments ADD COLUMN station_id TEXT NOT NULL DEFAULT '';
UPDATE assessments SET station_id = (SELECT r.station_id FROM referrals r WHERE r.id = assessments.referral_id);
-- Duplicates the per-key rule let in (one station, one request_id, two keys) keep
-- their data: the earliest keeps its request_id, each later one's is suffixed.
UPDATE assessments SET request_id = request_id || '#duplicate-' || lower(hex(id))
WHERE EXISTS (
    SELECT 1 FROM assessments o
    WHERE o.station_id = assessments.station_id AND o.request_id = assessments.request_id
      AND o.id < assessments.id
);
CREATE UNIQUE INDEX assessments_station_request ON assessments (station_id, request_id);
-- The old (created_by, request_id) constraint stays: SQLite cannot drop it without
-- rebuilding the table, and a key belongs to one station, so it never refuses what
-- the station's rule allows.
