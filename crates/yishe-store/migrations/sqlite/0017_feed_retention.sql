-- When the relay moved each event into the feed: the retention job removes events
-- older than the feed's retention (never the newest, from which the next sequence
-- follows). Events already in the feed take the time they occurred.
-- Times are stored as sqlx writes them (RFC 3339 with +00:00), so they compare as text.
ALTER TABLE referral_feed ADD COLUMN relayed_at TEXT;
UPDATE referral_feed
    SET relayed_at = replace(json_extract(payload, '$.occurred_at'), 'Z', '+00:00');
CREATE INDEX referral_feed_relayed ON referral_feed (relayed_at);
