//! The referral aggregate: content, status machine, intake validation, events, who may
//! see what.

pub(crate) mod access;
mod change;
mod correction;
mod disclosure;
mod event;
mod filter;
mod history;
mod intake;
mod model;
mod order;
mod reason;
mod requests;
mod status;
mod update;

pub use access::{ListScope, RecordScope, can_see, can_see_event};
pub use change::{Actor, Change, ChangeError};
pub use correction::{CorrectionError, PatientCorrection, PatientMask, rights_reason};
pub use disclosure::{disclose, disclose_event};
pub use event::{EventType, PlanRef, ReferralEvent};
pub use filter::ListFilter;
pub use history::HistoryEntry;
pub use intake::{ConsentDraft, NewReferral, PatientDraft, ReferralDraft};
pub use model::{
    Clinician, Consent, ConsentKind, ConsentWithdrawal, Patient, Referral, Sex, StatusReason,
};
pub use order::{ListOrder, ListPosition, TokenBinding, TokenError, page_token, parse_page_token};
pub use reason::{ReferralReason, RejectionReason};
pub use requests::{
    AssignReferral, ChangeReferral, FeedStart, GetReferral, LIST_PAGE, ListReferrals,
    WATCH_FILTER_MAX, WatchEvents,
};
pub use status::{Command, Status, TransitionError};
pub use update::{Departure, DepartureKind, ReferralUpdate};
