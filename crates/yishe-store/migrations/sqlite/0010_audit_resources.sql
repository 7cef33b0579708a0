-- A read that returns several records (a list) is audited once per call, naming every
-- record it returned, in order: the hash chain covers them. "Who saw this record"
-- looks here as well as at audit_log.resource_id.
CREATE TABLE audit_resources (
    audit_id    BLOB NOT NULL,
    position    INTEGER NOT NULL,
    resource_id TEXT NOT NULL,
    PRIMARY KEY (audit_id, position)
);
CREATE INDEX audit_resources_by_resource ON audit_resources (resource_id, audit_id);

CREATE TRIGGER audit_resources_no_update BEFORE UPDATE ON audit_resources
BEGIN
    SELECT RAISE(ABORT, 'audit_resources is append-only');
END;

CREATE TRIGGER audit_resources_no_delete BEFORE DELETE ON audit_resources
BEGIN
    SELECT RAISE(ABORT, 'audit_resources is append-only');
END;
