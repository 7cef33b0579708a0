-- A key may be limited to reading: every method that changes something is denied.
ALTER TABLE api_keys ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;
