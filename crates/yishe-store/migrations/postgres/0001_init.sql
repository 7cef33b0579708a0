-- Yishe schema, PostgreSQL. Ids are UUIDv7 (time-ordered, so ORDER BY id is creation
-- order); timestamps are timestamptz.

CREATE TABLE departments (
    id          UUID PRIMARY KEY,
    hospital_id TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (hospital_id, code)
);

CREATE TABLE social_workers (
    id             UUID PRIMARY KEY,
    station_id     TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    level          TEXT NOT NULL,
    caseload_limit INTEGER NOT NULL,
    active         BOOLEAN NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX social_workers_station ON social_workers (station_id, display_name);

CREATE TABLE api_keys (
    id               UUID PRIMARY KEY,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL,
    hospital_id      TEXT,
    department_ids   TEXT NOT NULL,
    station_id       TEXT,
    social_worker_id UUID REFERENCES social_workers (id),
    secret_hash      TEXT NOT NULL UNIQUE,
    created_at       TIMESTAMPTZ NOT NULL,
    revoked_at       TIMESTAMPTZ
);

CREATE TABLE referrals (
    id                  UUID PRIMARY KEY,
    created_by          TEXT NOT NULL,
    request_id          TEXT NOT NULL,
    fingerprint         TEXT NOT NULL,
    hospital_id         TEXT NOT NULL,
    department_id       UUID NOT NULL REFERENCES departments (id),
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
    assigned_worker_id  UUID REFERENCES social_workers (id),
    acceptance_deadline TIMESTAMPTZ NOT NULL,
    sla_breached        BOOLEAN NOT NULL,
    accepted_at         TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL,
    -- A resent HIS message (same caller, same request_id) never makes a second row.
    UNIQUE (created_by, request_id)
);
CREATE INDEX referrals_station ON referrals (station_id, id);
CREATE INDEX referrals_department ON referrals (department_id, id);
CREATE INDEX referrals_worker ON referrals (assigned_worker_id, status);
CREATE INDEX referrals_sla ON referrals (status, sla_breached, acceptance_deadline);

-- Events appended in the transaction of each change. Transactions can commit out of
-- id order here, so watchers never read this table: the relay moves committed rows,
-- in the order it sees them, into the feed.
CREATE TABLE referral_outbox (
    id       BIGSERIAL PRIMARY KEY,
    event_id UUID NOT NULL,
    payload  TEXT NOT NULL
);

-- The ordered, gap-free feed watchers read. Only the relay (the holder of an advisory
-- lock) writes it.
CREATE TABLE referral_feed (
    sequence    BIGINT PRIMARY KEY,
    event_id    UUID NOT NULL UNIQUE,
    payload     TEXT NOT NULL
);

-- Append-only record of every read and write of patient data.
CREATE TABLE audit_log (
    id            UUID PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL,
    subject       TEXT NOT NULL,
    role          TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    outcome       TEXT NOT NULL
);
CREATE INDEX audit_log_resource ON audit_log (resource_kind, resource_id);
