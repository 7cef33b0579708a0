-- Service plans (issue 11). One plan per referral, kept in versions: a revision adds
-- a version and never rewrites an earlier one's content (only its state moves, to
-- SUPERSEDED when a later version is approved). What a version says (goals,
-- interventions, the revision reason, the supervisor's decision) is sealed whole;
-- the work done on the plan (intervention states, goal progress) is sealed on the
-- plan. Plain: ids, versions, states and times.
CREATE TABLE service_plans (
    id               BLOB PRIMARY KEY,
    referral_id      BLOB NOT NULL UNIQUE REFERENCES referrals (id),
    station_id       TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    fingerprint      TEXT NOT NULL,
    newest_version   INTEGER NOT NULL,
    newest_state     TEXT NOT NULL,
    in_force_version INTEGER,
    work             TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    key_id           TEXT NOT NULL,
    UNIQUE (station_id, request_id)
);
-- The approval queue (a station's plans by the state of their newest version) and
-- the station's plans, newest first.
CREATE INDEX service_plans_station_state ON service_plans (station_id, newest_state, id);
CREATE INDEX service_plans_station ON service_plans (station_id, id);
CREATE INDEX service_plans_key ON service_plans (key_id);

CREATE TABLE service_plan_versions (
    plan_id       BLOB NOT NULL REFERENCES service_plans (id),
    version       INTEGER NOT NULL,
    state         TEXT NOT NULL,
    body          TEXT NOT NULL,
    author        TEXT NOT NULL,
    author_worker BLOB,
    created_at    TEXT NOT NULL,
    submitted_at  TEXT,
    decided_at    TEXT,
    key_id        TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
CREATE INDEX service_plan_versions_key ON service_plan_versions (key_id);
