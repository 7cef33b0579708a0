-- Yishe schema, SQLite. Ids are UUIDv7 stored as 16-byte BLOBs (time-ordered, so
-- ORDER BY id is creation order); timestamps are RFC 3339 text in UTC.

CREATE TABLE departments (
    id          BLOB PRIMARY KEY,
    hospital_id TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (hospital_id, code)
);

CREATE TABLE social_workers (
    id             BLOB PRIMARY KEY,
    station_id     TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    level          TEXT NOT NULL,
    caseload_limit INTEGER NOT NULL,
    active         BOOLEAN NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX social_workers_station ON social_workers (station_id, display_name);

CREATE TABLE api_keys (
    id               BLOB PRIMARY KEY,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL,
    hospital_id      TEXT,
    department_ids   TEXT NOT NULL,
    station_id       TEXT,
    social_worker_id BLOB REFERENCES social_workers (id),
    secret_hash      TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL,
    revoked_at       TEXT
);

CREATE TABLE referrals (
    id                  BLOB PRIMARY KEY,
    created_by          TEXT NOT NULL,
    request_id          TEXT NOT NULL,
    fingerprint         TEXT NOT NULL,
    hospital_id         TEXT NOT NULL,
    department_id       BLOB NOT NULL REFERENCES departments (id),
    station_id          TEXT NOT NULL,
    clinician           TEXT NOT NULL,
    patient             TEXT NOT NULL,
    reasons             TEXT NOT NULL,
    note                TEXT NOT NULL,
    priority            TEXT NOT NULL,
    consent             TEXT NOT NULL,
    status              TEXT NOT NULL,
    rejection_reason    TEXT,
    status_note         TEXT NOT NULL,
    assigned_worker_id  BLOB REFERENCES social_workers (id),
    acceptance_deadline TEXT NOT NULL,
    sla_breached        BOOLEAN NOT NULL,
    accepted_at         TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    version             INTEGER NOT NULL,
    -- A resent HIS message (same caller, same request_id) never makes a second row.
    UNIQUE (created_by, request_id)
);
CREATE INDEX referrals_station ON referrals (station_id, id);
CREATE INDEX referrals_department ON referrals (department_id, id);
CREATE INDEX referrals_worker ON referrals (assigned_worker_id, status);
CREATE INDEX referrals_sla ON referrals (status, sla_breached, acceptance_deadline);

-- Events appended in the transaction of each change; the relay moves them, in
-- commit order, into the feed.
CREATE TABLE referral_outbox (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BLOB NOT NULL,
    payload  TEXT NOT NULL
);

-- The ordered, gap-free feed watchers read. Only the relay writes it.
CREATE TABLE referral_feed (
    sequence    INTEGER PRIMARY KEY,
    event_id    BLOB NOT NULL UNIQUE,
    payload     TEXT NOT NULL
);

-- Append-only record of every read and write of patient data.
CREATE TABLE audit_log (
    id            BLOB PRIMARY KEY,
    occurred_at   TEXT NOT NULL,
    subject       TEXT NOT NULL,
    role          TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    outcome       TEXT NOT NULL
);
CREATE INDEX audit_log_resource ON audit_log (resource_kind, resource_id);
