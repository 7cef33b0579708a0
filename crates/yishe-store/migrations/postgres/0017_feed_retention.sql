-- When the relay moved each event into the feed: the retention job removes events
-- older than the feed's retention (never the newest, from which the next sequence
-- follows). Events already in the feed take the time they occurred.
ALTER TABLE referral_feed ADD COLUMN relayed_at TIMESTAMPTZ;
UPDATE referral_feed SET relayed_at = (payload::jsonb ->> 'occurred_at')::timestamptz;
CREATE INDEX referral_feed_relayed ON referral_feed (relayed_at);
