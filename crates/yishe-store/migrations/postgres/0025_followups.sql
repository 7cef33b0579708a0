-- Contacts (服务记录) and follow-ups (跟进/随访), issue 12. What a contact says (who
-- took part, what happened, the note shared with the department) and what a follow-up
-- records (its notes and attempts) are sealed; plain are ids, times, codes and the
-- flags the lists and the overdue watch search by.
CREATE TABLE contacts (
    id                 UUID PRIMARY KEY,
    referral_id        UUID NOT NULL REFERENCES referrals (id),
    station_id         TEXT NOT NULL,
    request_id         TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    contact_at         TIMESTAMPTZ NOT NULL,
    channel            TEXT NOT NULL,
    minutes            BIGINT NOT NULL,
    interventions      TEXT NOT NULL,
    shared             BOOLEAN NOT NULL,
    first_contact      BOOLEAN NOT NULL,
    texts              TEXT NOT NULL,
    recorded_by        TEXT NOT NULL,
    recorded_by_worker UUID,
    created_at         TIMESTAMPTZ NOT NULL,
    key_id             TEXT NOT NULL,
    UNIQUE (station_id, request_id)
);
CREATE INDEX contacts_referral ON contacts (referral_id, id);
CREATE INDEX contacts_key ON contacts (key_id);

CREATE TABLE follow_ups (
    id            UUID PRIMARY KEY,
    referral_id   UUID NOT NULL REFERENCES referrals (id),
    station_id    TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    phase         TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    instruments   TEXT NOT NULL,
    channel       TEXT NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    grace_hours   BIGINT NOT NULL,
    overdue_at    TIMESTAMPTZ NOT NULL,
    assignee_id   UUID,
    state         TEXT NOT NULL,
    overdue       BOOLEAN NOT NULL,
    escalate_at   TIMESTAMPTZ,
    escalated     BOOLEAN NOT NULL,
    outcome       TEXT,
    assessment_id UUID,
    texts         TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT NOT NULL,
    key_id        TEXT NOT NULL,
    UNIQUE (station_id, request_id)
);
-- The station's list and a worker's due list, soonest due first; a referral's; the
-- overdue watch (what passed its grace period, what is due for escalation).
CREATE INDEX follow_ups_station ON follow_ups (station_id, state, due_at, id);
CREATE INDEX follow_ups_assignee ON follow_ups (assignee_id, state, due_at, id);
CREATE INDEX follow_ups_referral ON follow_ups (referral_id, due_at, id);
CREATE INDEX follow_ups_overdue ON follow_ups (state, overdue, overdue_at);
CREATE INDEX follow_ups_escalate ON follow_ups (state, escalated, escalate_at);
CREATE INDEX follow_ups_key ON follow_ups (key_id);
