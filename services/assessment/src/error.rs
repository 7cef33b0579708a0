//! The assessment service's own refusals; with what any use-case can run into, they
//! make its `Error`.

use yishe_domain::{Code, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not found, or not visible to the caller: answered alike, so nobody can probe.
    #[error("{} not found", .0.name())]
    NotFound(Record),
    /// Only a supervisor acknowledges a risk flag.
    #[error("only a supervisor acknowledges risk flags")]
    SupervisorsOnly,
    /// The caller sees the referral but is neither its social worker nor a supervisor.
    #[error(
        "only the referral's assigned social worker and the station's supervisors may work on its assessments"
    )]
    NotAssigned,
    /// The referral's status takes no such change (`what` says which).
    #[error("a referral in status {} {what}", .status.as_str())]
    WrongStatus {
        status: yishe_domain::referral::Status,
        what: &'static str,
    },
    #[error("the risk flag is already acknowledged")]
    AlreadyAcknowledged,
    #[error("this request_id was already used for a different assessment")]
    RequestIdReused,
}

/// The records this service answers NOT_FOUND for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Referral,
    Assessment,
    AssessmentVersion,
    RiskFlag,
    /// An instrument, or a version of it, the server does not know.
    Instrument,
}

impl Record {
    fn name(self) -> &'static str {
        match self {
            Record::Referral => "referral",
            Record::Assessment => "assessment",
            Record::AssessmentVersion => "assessment version",
            Record::RiskFlag => "risk flag",
            Record::Instrument => "instrument (or that version of it)",
        }
    }
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::NotFound(_) => Code::NotFound,
            Refusal::SupervisorsOnly | Refusal::NotAssigned => Code::PermissionDenied,
            Refusal::WrongStatus { .. } | Refusal::AlreadyAcknowledged => Code::FailedPrecondition,
            Refusal::RequestIdReused => Code::AlreadyExists,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Refusal::NotFound(Record::Referral) => "REFERRAL_NOT_FOUND",
            Refusal::NotFound(Record::Assessment) => "ASSESSMENT_NOT_FOUND",
            Refusal::NotFound(Record::AssessmentVersion) => "ASSESSMENT_VERSION_NOT_FOUND",
            Refusal::NotFound(Record::RiskFlag) => "RISK_FLAG_NOT_FOUND",
            Refusal::NotFound(Record::Instrument) => "INSTRUMENT_NOT_FOUND",
            Refusal::SupervisorsOnly => "ROLE_NOT_ALLOWED",
            Refusal::NotAssigned => "NOT_ASSIGNED",
            Refusal::WrongStatus { .. } => "WRONG_STATUS",
            Refusal::AlreadyAcknowledged => "ALREADY_ACKNOWLEDGED",
            Refusal::RequestIdReused => "REQUEST_ID_REUSED",
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            Refusal::WrongStatus { status, .. } => vec![("status", status.as_str().to_owned())],
            _ => Vec::new(),
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
