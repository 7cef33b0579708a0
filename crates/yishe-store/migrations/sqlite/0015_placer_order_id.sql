-- The HIS order number (申请单号) a department may give a referral: the number the
-- department and the station talk about, apart from `request_id` (the HIS message id).
-- Referrals created before it have none (NULL); nothing to backfill.
ALTER TABLE referrals ADD COLUMN placer_order_id TEXT;

-- Unique among a hospital's open referrals only: once a referral has ended (rejected,
-- cancelled, retracted, completed, failed) its number may come again, as along a
-- re-route to another station or a reopened case.
CREATE UNIQUE INDEX referrals_open_placer_order ON referrals (hospital_id, placer_order_id)
    WHERE placer_order_id IS NOT NULL
      AND status IN ('REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD');

-- The `placer_order_id=` filter of ListReferrals, in the list's order (newest first).
-- Partial, so the many referrals without one cost creates nothing here.
CREATE INDEX referrals_placer_order ON referrals (placer_order_id, id)
    WHERE placer_order_id IS NOT NULL;
