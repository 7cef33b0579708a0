//! Conversions between wire messages and domain types. Inbound conversions never fail:
//! they produce drafts (unknown enum values become `None`) that the domain validates,
//! so every offending field is reported at once.

mod assessment;
mod directory;
mod referral;
mod time;

pub use assessment::{
    assessment_draft, assessment_to_proto, comparison_to_proto, psychosocial_draft,
    psychosocial_to_proto, risk_flag_to_proto, risk_kind_to_proto,
};
pub use directory::{
    certification_level, department_to_proto, key_to_proto, role, role_to_proto, worker_to_proto,
};
pub use referral::{
    event_to_proto, priority, priority_to_proto, referral_draft, referral_to_proto,
    rejection_reason, status_to_proto,
};
pub use time::{from_timestamp, to_timestamp};
