//! The referral aggregate: content, status machine, intake validation, events, who may
//! see what.

pub(crate) mod access;
mod change;
mod closure;
mod closure_rules;
mod correction;
mod disclosure;
mod event;
mod filter;
mod history;
mod intake;
mod model;
mod order;
mod reason;
mod reopen;
mod requests;
mod status;
mod update;

pub use access::{ListScope, RecordScope, can_see, can_see_event};
pub use change::{Actor, Change, ChangeError};
pub use closure::{
    Blocker, Closure, ClosureApprover, ClosureDraft, ClosureError, ClosureOutcome, ClosurePerson,
    ClosureRefusal, ClosureRequest, ClosureState, GoalResult, GoalResultDraft, GoalResultKind,
    OpenWork, ServiceDelivered, decision_note,
};
pub use closure_rules::{ClosureRules, default_follow_up_days, default_satisfaction_levels};
pub use correction::{CorrectionError, PatientCorrection, PatientMask, rights_reason};
pub use disclosure::{disclose, disclose_event};
pub use event::{ClosureNotice, EventType, PlanRef, ReferralEvent};
pub use filter::ListFilter;
pub use history::HistoryEntry;
pub use intake::{ConsentDraft, NewReferral, PatientDraft, ReferralDraft};
pub use model::{
    Clinician, Consent, ConsentKind, ConsentReconfirmation, ConsentWithdrawal, Patient, Referral,
    Sex, StatusReason,
};
pub use order::{ListOrder, ListPosition, TokenBinding, TokenError, page_token, parse_page_token};
pub use reason::{ReferralReason, RejectionReason};
pub use reopen::{reopen_reason, reopen_request_id};
pub use requests::{
    AssignReferral, ChangeReferral, ClosureStep, ClosureStepKind, FeedStart, GetReferral,
    LIST_PAGE, ListReferrals, ReassignWork, ReopenReferral, RequestClosure, WATCH_FILTER_MAX,
    WatchEvents,
};
pub use status::{Command, Status, TransitionError};
pub use update::{Departure, DepartureKind, ReferralUpdate};
