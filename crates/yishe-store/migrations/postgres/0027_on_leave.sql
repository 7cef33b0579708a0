-- A social worker on leave (issue 12): still a worker of the station, with their keys
-- working, but given no new cases; their open work waits on the supervisors'
-- reassignment list.
ALTER TABLE social_workers ADD COLUMN on_leave BOOLEAN NOT NULL DEFAULT FALSE;
