-- The per-key UNIQUE (created_by, request_id) goes: request ids are the hospital's
-- (0013). Left beside the new index it was not only redundant but harmful: a create
-- names (hospital_id, request_id) as its ON CONFLICT target, and PostgreSQL raises a
-- unique violation, instead of doing nothing, when two concurrent resends under the
-- same key collide first on an index that is not the target.
-- (SQLite keeps it: its one writer never runs two inserts at once, and it cannot drop
-- a table constraint in place.)
ALTER TABLE referrals DROP CONSTRAINT referrals_created_by_request_id_key;
