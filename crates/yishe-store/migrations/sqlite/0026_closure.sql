-- Closure (结案) and reopening, issue 12. The closure's request and decision are kept
-- on the referral, sealed (the summary speaks of the patient); plain are its state and
-- outcome, which the supervisors' queue and the reports count by. A reopened case
-- names the closed referral it continues.
ALTER TABLE referrals ADD COLUMN closure TEXT;
ALTER TABLE referrals ADD COLUMN closure_state TEXT;
ALTER TABLE referrals ADD COLUMN outcome TEXT;
ALTER TABLE referrals ADD COLUMN reopened_from_id BLOB REFERENCES referrals (id);
-- The station's closures awaiting a decision.
CREATE INDEX referrals_closure_queue ON referrals (station_id, closure_state, id)
    WHERE closure_state IS NOT NULL;
-- How many of the plan's goals the closure marked met, partly met, not met: plain
-- counts for the reports (the results themselves are sealed with the closure).
ALTER TABLE referrals ADD COLUMN goals_met INTEGER;
ALTER TABLE referrals ADD COLUMN goals_partly_met INTEGER;
ALTER TABLE referrals ADD COLUMN goals_not_met INTEGER;
-- The station's reports, for a period: referrals received in it, cases ended in it,
-- follow-ups due in it, volunteer tasks posted in it.
CREATE INDEX referrals_station_created ON referrals (station_id, created_at);
CREATE INDEX referrals_station_closed ON referrals (station_id, closure_state, ended_at)
    WHERE closure_state IS NOT NULL;
CREATE INDEX follow_ups_station_due ON follow_ups (station_id, due_at);
CREATE INDEX volunteer_tasks_station_created ON volunteer_tasks (station_id, created_at);
