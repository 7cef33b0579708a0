-- Retention: when a closed referral's patient details were removed.
ALTER TABLE referrals ADD COLUMN purged_at TIMESTAMPTZ;
