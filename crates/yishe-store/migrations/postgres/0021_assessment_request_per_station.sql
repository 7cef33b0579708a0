-- An assessment's request_id is unique per station, not per key: a resubmission
-- after a key rotation, or from a colleague's session of the same form, finds the
-- first assessment. The station is its referral's.
ALTER TABLE assessments ADD COLUMN station_id TEXT;
UPDATE assessments a SET station_id = r.station_id FROM referrals r WHERE r.id = a.referral_id;
ALTER TABLE assessments ALTER COLUMN station_id SET NOT NULL;
-- Duplicates the per-key rule let in (one station, one request_id, two keys) keep
-- their data: the earliest keeps its request_id, each later one's is suffixed.
UPDATE assessments a SET request_id = a.request_id || '#duplicate-' || a.id::text
WHERE EXISTS (
    SELECT 1 FROM assessments o
    WHERE o.station_id = a.station_id AND o.request_id = a.request_id AND o.id < a.id
);
CREATE UNIQUE INDEX assessments_station_request ON assessments (station_id, request_id);
ALTER TABLE assessments DROP CONSTRAINT assessments_created_by_request_id_key;
