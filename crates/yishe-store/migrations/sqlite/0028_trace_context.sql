-- The W3C trace context (a `traceparent`) of the call that recorded each event (issue
-- 13), so the relay and each process's feed reader join that call's trace. Added
-- nullable and read as optional: a process of the version before ignores it, and rows
-- written by one have none (expand; nothing to contract).
ALTER TABLE referral_outbox ADD COLUMN trace_context TEXT;
ALTER TABLE referral_feed ADD COLUMN trace_context TEXT;
