-- Polling by update time (ListReferrals `update_time>` and `order_by=update_time`):
-- an index in that order per station (the station's scope) and per hospital (an HIS's
-- scope of departments, filtered on the way; the time bound keeps the range small).
CREATE INDEX referrals_station_updated ON referrals (station_id, updated_at, id);
CREATE INDEX referrals_hospital_updated ON referrals (hospital_id, updated_at, id);

-- When the referral ended (rejected, cancelled, retracted, completed, failed). An
-- ended referral changes no more, so for those that ended before the column existed
-- their last update is when.
ALTER TABLE referrals ADD COLUMN ended_at TIMESTAMPTZ;
UPDATE referrals SET ended_at = updated_at
    WHERE status IN ('REJECTED', 'CANCELLED', 'ENTERED_IN_ERROR', 'COMPLETED', 'FAILED');
