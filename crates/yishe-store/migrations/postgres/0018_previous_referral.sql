-- A referral the department sends again after a station declined it (a re-route to
-- another station) names the declined one; NULL for every other referral.
ALTER TABLE referrals ADD COLUMN previous_referral_id UUID REFERENCES referrals (id);
