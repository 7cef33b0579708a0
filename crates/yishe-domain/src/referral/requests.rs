//! What callers ask of the referral service, parsed: every id, etag, filter and page
//! position typed, so a use-case starts from values it can trust.

use crate::referral::{Change, ClosureDraft, ListFilter, ListOrder, ListPosition, TokenBinding};
use crate::{Etag, PageLimits, PageRequest, ReferralId, SocialWorkerId, Violations};

/// The default and the largest page of ListReferrals.
pub const LIST_PAGE: PageLimits = PageLimits {
    default: 50,
    max: 500,
};

/// Read one referral; a supervisor may give a break-glass reason to read one outside
/// their scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetReferral {
    pub id: ReferralId,
    pub break_glass_reason: String,
}

/// The longest break-glass reason.
const MAX_BREAK_GLASS_REASON: usize = 500;

impl GetReferral {
    /// The break-glass reason given, if any: it must say why in 10 to 500 characters.
    pub fn break_glass_reason(&self) -> Result<Option<String>, Violations> {
        let reason = self.break_glass_reason.trim();
        if reason.is_empty() {
            return Ok(None);
        }
        let mut v = Violations::new();
        if !(10..=MAX_BREAK_GLASS_REASON).contains(&reason.chars().count()) {
            v.add(
                "break_glass_reason",
                "must be 10 to 500 characters saying why",
            );
        }
        let reason = v.optional_text("break_glass_reason", reason, MAX_BREAK_GLASS_REASON);
        v.into_result(Some(reason))
    }
}

/// List the referrals the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReferrals {
    pub filter: ListFilter,
    pub order: ListOrder,
    pub page: PageRequest<ListPosition>,
    /// What the page tokens of this list are bound to.
    pub binding: TokenBinding,
}

/// Change a referral the caller read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeReferral {
    pub id: ReferralId,
    pub etag: Etag,
    pub change: Change,
}

/// Assign a referral read at `etag` to a social worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignReferral {
    pub id: ReferralId,
    pub etag: Etag,
    pub worker: SocialWorkerId,
}

/// Where a watch of the feed starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedStart {
    /// The oldest event the feed still keeps.
    Beginning,
    /// The feed's head when the watch starts: only later events. The watcher is sent
    /// the head's position first, so that reconnecting from it misses nothing.
    Now,
    /// After this sequence (a sequence or a checkpoint's position received before).
    After(u64),
}

/// Watch the feed: where to start and which of the events the caller may see to pass
/// on (empty lists pass everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEvents {
    pub start: FeedStart,
    pub departments: Vec<crate::DepartmentId>,
    pub event_types: Vec<crate::referral::EventType>,
}

/// The most departments and event types one watch may name.
pub const WATCH_FILTER_MAX: usize = 100;

impl WatchEvents {
    /// Whether the event passes the watch's filters (visibility is decided apart).
    pub fn wants(&self, event: &crate::referral::ReferralEvent) -> bool {
        (self.departments.is_empty() || self.departments.contains(&event.department))
            && (self.event_types.is_empty() || self.event_types.contains(&event.event_type))
    }
}

/// The assigned worker's closure request on the referral `id` read at `etag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestClosure {
    pub id: ReferralId,
    pub etag: Etag,
    pub draft: ClosureDraft,
}

/// A step on a pending closure: a supervisor's approval or return (with `note`), or
/// the worker's withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureStep {
    pub id: ReferralId,
    pub etag: Etag,
    pub step: ClosureStepKind,
    pub note: String,
}

/// Which step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureStepKind {
    Approve,
    Return,
    Withdraw,
}

/// A supervisor's reopening of the closed referral `id`, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReopenReferral {
    pub id: ReferralId,
    pub etag: Etag,
    pub reason: String,
}

/// Move `from`'s open work to `to`, two different workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassignWork {
    pub from: SocialWorkerId,
    pub to: SocialWorkerId,
}
