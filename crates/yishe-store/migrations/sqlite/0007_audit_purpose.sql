-- Why an access happened, when the caller had to say (a break-glass reason).
ALTER TABLE audit_log ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_action ON audit_log (action, id);
