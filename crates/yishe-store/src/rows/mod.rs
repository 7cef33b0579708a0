//! Rows as both engines return them, and their conversion to domain types, one file
//! per repository. Enums are stored by their stable names, nested values as JSON text.

mod assessment;
mod audit;
mod directory;
mod followup;
mod plan;
mod referral;
mod station;
mod volunteer;

pub(crate) use assessment::{
    AssessmentRow, RiskFlagRow, SELECT_ASSESSMENT, SELECT_RISK_FLAG, SealedVersion, seal_flag_note,
};
pub(crate) use audit::{
    AuditRow, ChainRow, LinkedAuditRow, PendingAuditRow, Sighting, attach_resources,
    named_elsewhere, resources_json,
};
pub(crate) use directory::{ApiKeyRow, DepartmentRow, WorkerRow};
pub(crate) use followup::{
    ContactRow, FollowUpRow, SELECT_CONTACT, SELECT_FOLLOW_UP, instruments_json,
    interventions_json, seal_contact, seal_follow_up,
};
pub(crate) use plan::{
    PlanRow, PlanVersionRow, PlanWithNewestRow, SELECT_PLAN, SELECT_PLAN_VERSION,
    SELECT_PLAN_WITH_NEWEST, seal_body, seal_work,
};
pub(crate) use referral::{
    FeedRow, HistoryRow, ReferralColumns, ReferralRow, SealedReferral, event_payload,
    reasons_from_json, reasons_json,
};
pub(crate) use station::{DirectoryRequestRow, StationRow};
pub(crate) use volunteer::{
    SELECT_TASK, SELECT_TEAM, SELECT_VOLUNTEER, TaskRow, TeamRow, VolunteerRow, seal_texts,
    training_json,
};

use crate::{Error, Result};

pub(crate) fn corrupt(what: &str) -> Error {
    Error::Corrupt(format!("unreadable {what}"))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values serialize")
}
