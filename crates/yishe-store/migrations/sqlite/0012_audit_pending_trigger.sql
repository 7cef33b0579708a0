-- Every audit row is queued for the sealer by the database itself, in the statement
-- that writes it: a writer cannot forget the queue, and a request saves a statement.
CREATE TRIGGER audit_log_queued AFTER INSERT ON audit_log
BEGIN
    INSERT INTO audit_pending (audit_id) VALUES (NEW.id);
END;
