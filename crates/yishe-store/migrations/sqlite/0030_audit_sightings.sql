-- A read that returns several records names them in its own audit row, as a JSON array
-- in order, instead of a row per record in audit_resources: those fifty rows and their
-- two indexes were most of what a list call wrote. Rows written before this keep their
-- names in audit_resources (their `resources` is NULL), which is still read and no
-- longer written.
ALTER TABLE audit_log ADD COLUMN resources TEXT;

-- The rows that name records, for "who saw this record" to read a minute of them
-- without the rows that name none.
CREATE INDEX audit_log_named ON audit_log (id) WHERE resources IS NOT NULL;

-- "Who saw this record": the minutes in which an audit row named it. Audit ids are
-- UUIDv7, ordered by time, so a minute is the range seen_from..seen_until of
-- audit_log's primary key, and the rows in it are read for the name. A record shown
-- again within the minute (a dashboard refreshing its page) costs a lookup here, not a
-- write. Not hashed into the chain; the verification checks that every name a sealed
-- row holds has its minute here.
CREATE TABLE audit_sightings (
    resource_id TEXT NOT NULL,
    seen_from   BLOB NOT NULL,
    seen_until  BLOB NOT NULL,
    PRIMARY KEY (resource_id, seen_from)
);

CREATE TRIGGER audit_sightings_no_update BEFORE UPDATE ON audit_sightings
BEGIN
    SELECT RAISE(ABORT, 'audit_sightings is append-only');
END;

CREATE TRIGGER audit_sightings_no_delete BEFORE DELETE ON audit_sightings
BEGIN
    SELECT RAISE(ABORT, 'audit_sightings is append-only');
END;

-- A row that names its records in itself is queued for the sealer under `named_id`,
-- with the nil id where the release before looks: that release's sealer (still running
-- during a rolling upgrade, or after a rollback) reads names from audit_resources only,
-- so it must never seal such a row (it would hash it without its names, and the link
-- would read as broken for good). Its join finds no row and passes it by; this
-- release's sealer takes it.
ALTER TABLE audit_pending ADD COLUMN named_id BLOB;

DROP TRIGGER audit_log_queued;

CREATE TRIGGER audit_log_queued AFTER INSERT ON audit_log WHEN NEW.resources IS NULL
BEGIN
    INSERT INTO audit_pending (audit_id) VALUES (NEW.id);
END;

CREATE TRIGGER audit_log_queued_named AFTER INSERT ON audit_log
WHEN NEW.resources IS NOT NULL
BEGIN
    INSERT INTO audit_pending (audit_id, named_id)
    VALUES (X'00000000000000000000000000000000', NEW.id);
END;
