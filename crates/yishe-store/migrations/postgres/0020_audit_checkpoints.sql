-- The signed checkpoints of the audit chain's head the sealer published. The anchor
-- is where they were published (the SIEM, another volume), out of reach of whoever
-- can edit this database; they are kept here too so an export carries them.
CREATE TABLE audit_checkpoints (
    sequence   BIGINT PRIMARY KEY,
    head_hash  TEXT NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL
);
