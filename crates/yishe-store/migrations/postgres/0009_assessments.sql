-- Psychosocial assessments. An assessment's versions are kept side by side: an
-- amendment adds a version, never changes one. Clinical content (answers, scores,
-- the psychosocial domains, the narrative, the amendment reason) is sealed
-- (AES-256-GCM, key_id names the key); what stays plain is ids, versions and times.
CREATE TABLE assessments (
    id              UUID PRIMARY KEY,
    referral_id     UUID NOT NULL REFERENCES referrals (id),
    created_by      TEXT NOT NULL,
    request_id      TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    current_version BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (created_by, request_id)
);
CREATE INDEX assessments_referral ON assessments (referral_id, id);

CREATE TABLE assessment_versions (
    assessment_id      UUID NOT NULL REFERENCES assessments (id),
    version            BIGINT NOT NULL,
    content            TEXT NOT NULL,
    amendment_reason   TEXT NOT NULL,
    recorded_by        TEXT NOT NULL,
    recorded_by_worker UUID,
    recorded_at        TIMESTAMPTZ NOT NULL,
    key_id             TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
);
CREATE INDEX assessment_versions_key ON assessment_versions (key_id);

-- Risks raised by assessments, open until a supervisor acknowledges them. One flag
-- per assessment, instrument and kind: an amendment showing the same risk again does
-- not raise a second one.
CREATE TABLE risk_flags (
    id                 UUID PRIMARY KEY,
    referral_id        UUID NOT NULL REFERENCES referrals (id),
    station_id         TEXT NOT NULL,
    assessment_id      UUID NOT NULL REFERENCES assessments (id),
    assessment_version BIGINT NOT NULL,
    instrument         TEXT NOT NULL,
    kind               TEXT NOT NULL,
    raised_at          TIMESTAMPTZ NOT NULL,
    acknowledged_by    TEXT,
    acknowledged_at    TIMESTAMPTZ,
    note               TEXT NOT NULL,
    key_id             TEXT NOT NULL,
    version            BIGINT NOT NULL,
    UNIQUE (assessment_id, instrument, kind)
);
CREATE INDEX risk_flags_station ON risk_flags (station_id, id);
CREATE INDEX risk_flags_referral ON risk_flags (referral_id, id);
CREATE INDEX risk_flags_key ON risk_flags (key_id);
