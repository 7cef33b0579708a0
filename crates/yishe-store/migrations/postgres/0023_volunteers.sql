-- Volunteer teams, their volunteers and the tasks they carry out (issue 11). Teams and
-- volunteers are the station's directory (names, contacts, skills, training hours per
-- year as JSON). A task's texts (instructions, ward and bed, the volunteer's report,
-- the social worker's review, a cancellation's reason) are sealed together; plain are
-- ids, states, times and the idempotency key.
CREATE TABLE volunteer_teams (
    id           UUID PRIMARY KEY,
    station_id   TEXT NOT NULL,
    display_name TEXT NOT NULL,
    contact      TEXT NOT NULL,
    active       BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX volunteer_teams_station ON volunteer_teams (station_id, display_name);

CREATE TABLE volunteers (
    id           UUID PRIMARY KEY,
    station_id   TEXT NOT NULL,
    team_id      UUID NOT NULL REFERENCES volunteer_teams (id),
    display_name TEXT NOT NULL,
    contact      TEXT NOT NULL,
    skills       TEXT NOT NULL,
    active       BOOLEAN NOT NULL,
    training     TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX volunteers_station ON volunteers (station_id, display_name);
CREATE INDEX volunteers_team ON volunteers (team_id);

-- A volunteer's key names its volunteer.
ALTER TABLE api_keys ADD COLUMN volunteer_id UUID REFERENCES volunteers (id);

CREATE TABLE volunteer_tasks (
    id              UUID PRIMARY KEY,
    station_id      TEXT NOT NULL,
    plan_id         UUID NOT NULL REFERENCES service_plans (id),
    intervention_id UUID NOT NULL,
    referral_id     UUID NOT NULL REFERENCES referrals (id),
    request_id      TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    state           TEXT NOT NULL,
    team_id         UUID REFERENCES volunteer_teams (id),
    starts_at       TIMESTAMPTZ NOT NULL,
    claim_deadline  TIMESTAMPTZ NOT NULL,
    overdue         BOOLEAN NOT NULL,
    texts           TEXT NOT NULL,
    supervisor_id   UUID,
    posted_by       TEXT NOT NULL,
    claimed_by      UUID,
    claimed_at      TIMESTAMPTZ,
    reported_by     UUID,
    reported_at     TIMESTAMPTZ,
    reviewed_by     TEXT,
    reviewed_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL,
    key_id          TEXT NOT NULL,
    UNIQUE (station_id, request_id)
);
-- The board (a station's posted tasks), a team's tasks, a plan's, and the overdue watch.
CREATE INDEX volunteer_tasks_station_state ON volunteer_tasks (station_id, state, id);
CREATE INDEX volunteer_tasks_team ON volunteer_tasks (team_id, id);
CREATE INDEX volunteer_tasks_plan ON volunteer_tasks (plan_id, id);
CREATE INDEX volunteer_tasks_referral ON volunteer_tasks (referral_id, id);
CREATE INDEX volunteer_tasks_deadline ON volunteer_tasks (state, overdue, claim_deadline);
CREATE INDEX volunteer_tasks_key ON volunteer_tasks (key_id);
