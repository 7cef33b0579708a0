//! Shorthands for the feed's messages, for Yishe's own clients (the CLI, the bench,
//! the tests): a watch request from a start, and the event or checkpoint a response
//! carries.

use crate::referral::watch_referral_events_request::StartAt;
use crate::referral::watch_referral_events_response::Item;
use crate::referral::{
    FeedCheckpoint, FeedStart, ReferralEvent, WatchReferralEventsRequest,
    WatchReferralEventsResponse,
};

impl WatchReferralEventsRequest {
    /// A watch of every event the caller may see after `sequence`.
    pub fn after(sequence: u64) -> Self {
        Self {
            start_at: Some(StartAt::AfterSequence(sequence)),
            ..Self::default()
        }
    }

    /// A watch of the events the caller may see from the feed's head on.
    pub fn from_now() -> Self {
        Self {
            start_at: Some(StartAt::From(FeedStart::Now as i32)),
            ..Self::default()
        }
    }
}

impl WatchReferralEventsResponse {
    /// The event, if this message carries one.
    pub fn into_event(self) -> Option<ReferralEvent> {
        match self.item? {
            Item::Event(event) => Some(event),
            Item::Checkpoint(_) => None,
        }
    }

    /// The checkpoint, if this message carries one.
    pub fn into_checkpoint(self) -> Option<FeedCheckpoint> {
        match self.item? {
            Item::Checkpoint(checkpoint) => Some(checkpoint),
            Item::Event(_) => None,
        }
    }
}
