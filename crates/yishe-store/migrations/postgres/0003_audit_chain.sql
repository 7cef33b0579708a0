-- The audit hash chain. Business transactions only append to audit_log and to
-- audit_pending (cheap, concurrent); a single sealer (the holder of an advisory lock)
-- links committed rows in order into audit_chain, so no writer queues behind the
-- chain's head.
CREATE TABLE audit_pending (
    id       BIGSERIAL PRIMARY KEY,
    audit_id UUID NOT NULL
);

CREATE TABLE audit_chain (
    sequence      BIGINT PRIMARY KEY,
    audit_id      UUID NOT NULL UNIQUE,
    previous_hash TEXT NOT NULL,
    hash          TEXT NOT NULL
);

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Nobody but the owner may change the log: not the public, not other roles.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_chain FROM PUBLIC;

-- Rows written before the chain existed are sealed first, in their order.
INSERT INTO audit_pending (audit_id) SELECT id FROM audit_log ORDER BY id;
