-- How far the feed has been published to the hospital's event stream (NATS JetStream,
-- issue 13): the last feed sequence the stream acknowledged, per stream. Advanced by
-- compare-and-set, so a relay leader that lost its place never moves it back.
CREATE TABLE event_stream_cursors (
    stream TEXT PRIMARY KEY,
    sequence BIGINT NOT NULL
);
