-- The audit hash chain. Business transactions only append to audit_log and to
-- audit_pending (cheap, concurrent); a single sealer links committed rows in order
-- into audit_chain, so no writer queues behind the chain's head.
CREATE TABLE audit_pending (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    audit_id BLOB NOT NULL
);

CREATE TABLE audit_chain (
    sequence      INTEGER PRIMARY KEY,
    audit_id      BLOB NOT NULL UNIQUE,
    previous_hash TEXT NOT NULL,
    hash          TEXT NOT NULL
);

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'audit_chain is append-only');
END;

CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'audit_chain is append-only');
END;

-- Rows written before the chain existed are sealed first, in their order.
INSERT INTO audit_pending (audit_id) SELECT id FROM audit_log ORDER BY id;
