-- A read that returns several records names them in its own audit row, as a JSON array
-- in order, instead of a row per record in audit_resources: those fifty rows and their
-- two indexes were most of what a list call wrote. Rows written before this keep their
-- names in audit_resources (their `resources` is NULL), which is still read and no
-- longer written.
ALTER TABLE audit_log ADD COLUMN resources TEXT;

-- "Who saw this record": the minutes in which an audit row named it. Audit ids are
-- UUIDv7, ordered by time, so a minute is the range seen_from..seen_until of
-- audit_log's primary key, and the rows in it are read for the name. A record shown
-- again within the minute (a dashboard refreshing its page) costs a lookup here, not a
-- write.
CREATE TABLE audit_sightings (
    resource_id TEXT NOT NULL,
    seen_from   UUID NOT NULL,
    seen_until  UUID NOT NULL,
    PRIMARY KEY (resource_id, seen_from)
);

CREATE TRIGGER audit_sightings_no_update BEFORE UPDATE OR DELETE ON audit_sightings
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_sightings_no_truncate BEFORE TRUNCATE ON audit_sightings
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_sightings FROM PUBLIC;
