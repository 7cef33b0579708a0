-- A referral's request_id is unique per hospital, not per API key: a resend after a
-- key rotation, or from a second HIS node with a key of its own, finds the first
-- referral instead of making a second one. (Only HIS integrations create referrals,
-- so the hospital is the sender.)
--
-- Duplicates the per-key rule let in (the same hospital and request_id under two
-- keys) are kept, with their data: the earliest keeps its request_id and every later
-- copy gets `#duplicate-<its id in hex>` appended, so a resend finds the first and the
-- station can see the copies for what they are and cancel them.
UPDATE referrals
SET request_id = request_id || '#duplicate-' || lower(hex(id))
WHERE EXISTS (
    SELECT 1 FROM referrals o
    WHERE o.hospital_id = referrals.hospital_id
      AND o.request_id = referrals.request_id
      AND (o.created_at, o.id) < (referrals.created_at, referrals.id)
);

-- The old UNIQUE (created_by, request_id) stays (SQLite cannot drop a table's
-- constraint in place): a key belongs to one hospital, so it can no longer be the
-- one that refuses a row.
CREATE UNIQUE INDEX referrals_hospital_request ON referrals (hospital_id, request_id);
