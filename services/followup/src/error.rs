//! The follow-up service's own refusals; with what any use-case can run into, they
//! make its `Error`.

use yishe_domain::followup::{FollowUpRefusal, FollowUpStepError};
use yishe_domain::{Code, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not found, or not visible to the caller: answered alike, so nobody can probe.
    #[error("{} not found", .0.name())]
    NotFound(Record),
    /// The caller sees the referral but is neither its social worker nor a supervisor.
    #[error(
        "only the referral's assigned social worker and the station's supervisors record and read its contacts and follow-ups"
    )]
    NotAssigned,
    #[error("a referral in status {} is not an open case", .0.as_str())]
    WrongStatus(yishe_domain::referral::Status),
    #[error("this request_id was already used for a different request")]
    RequestIdReused,
    /// An escalated follow-up or a safety check is moved or cancelled by a supervisor.
    #[error("only a supervisor moves or cancels an escalated follow-up or a safety check")]
    SupervisorsOnly,
    #[error(transparent)]
    Rule(#[from] FollowUpRefusal),
}

/// The records this service answers NOT_FOUND for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Referral,
    FollowUp,
    Worker,
}

impl Record {
    fn name(self) -> &'static str {
        match self {
            Record::Referral => "referral",
            Record::FollowUp => "follow-up",
            Record::Worker => "social worker (active, of the referral's station)",
        }
    }
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::NotFound(_) => Code::NotFound,
            Refusal::NotAssigned | Refusal::SupervisorsOnly => Code::PermissionDenied,
            Refusal::WrongStatus(_) => Code::FailedPrecondition,
            Refusal::RequestIdReused => Code::AlreadyExists,
            Refusal::Rule(rule) => rule.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Refusal::NotFound(Record::Referral) => "REFERRAL_NOT_FOUND",
            Refusal::NotFound(Record::FollowUp) => "FOLLOW_UP_NOT_FOUND",
            Refusal::NotFound(Record::Worker) => "SOCIAL_WORKER_NOT_FOUND",
            Refusal::NotAssigned => "NOT_ASSIGNED",
            Refusal::SupervisorsOnly => "SUPERVISORS_ONLY",
            Refusal::WrongStatus(_) => "WRONG_STATUS",
            Refusal::RequestIdReused => "REQUEST_ID_REUSED",
            Refusal::Rule(rule) => rule.reason(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            Refusal::WrongStatus(status) => vec![("status", status.as_str().to_owned())],
            Refusal::Rule(rule) => rule.metadata(),
            _ => Vec::new(),
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

/// A refused step on a follow-up.
pub(crate) fn step_error(error: FollowUpStepError) -> Error {
    match error {
        FollowUpStepError::Invalid(v) => Failure::Invalid(v),
        FollowUpStepError::Refused(rule) => Refusal::Rule(rule).into(),
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
