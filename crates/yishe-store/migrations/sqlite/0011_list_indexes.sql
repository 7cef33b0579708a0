-- Every filter of ListReferrals reads an index in the list's order (newest first), so
-- a page costs the same at a million referrals as at a thousand: no scan of a
-- station's referrals, no sort of them. Each index ends in `id` for that order.
CREATE INDEX referrals_station_status ON referrals (station_id, status, id);
CREATE INDEX referrals_station_priority ON referrals (station_id, priority, id);
CREATE INDEX referrals_station_status_priority ON referrals (station_id, status, priority, id);
CREATE INDEX referrals_worker_newest ON referrals (assigned_worker_id, id);
-- Partial, because `IS NULL` does not fix a column's value for ordering the way `=`
-- does on PostgreSQL: (station_id, assigned_worker_id, id) would still need a sort.
CREATE INDEX referrals_unassigned ON referrals (station_id, id) WHERE assigned_worker_id IS NULL;
DROP INDEX referrals_patient_lookup;
CREATE INDEX referrals_patient_lookup ON referrals (patient_lookup, id);
