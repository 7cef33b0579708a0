-- The stations referrals go to. Every station already named by a referral, a social
-- worker or a key is registered, by its id and taking every reason (an empty list), so
-- that what exists stays addressable; each installation registers its own on start.
CREATE TABLE stations (
    id               TEXT PRIMARY KEY,
    display_name     TEXT NOT NULL,
    referral_reasons TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    version          BIGINT NOT NULL
);
INSERT INTO stations (id, display_name, referral_reasons, created_at, updated_at, version)
SELECT station_id, station_id, '[]', now(), now(), 1
FROM (
    SELECT station_id FROM referrals
    UNION SELECT station_id FROM social_workers
    UNION SELECT station_id FROM api_keys WHERE station_id IS NOT NULL
) known;

-- What an idempotent directory create made, by the station whose key sent it: a
-- resend with the same request id returns it, whichever of the station's keys sends.
CREATE TABLE directory_requests (
    station_id    TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id   UUID NOT NULL,
    fingerprint   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (station_id, request_id)
);
