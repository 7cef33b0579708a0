//! The assessment service's own refusals; with what any use-case can run into, they
//! make its `Error`.

use yishe_domain::{Code, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not found, or not visible to the caller: answered alike, so nobody can probe.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Precondition(String),
    #[error("this request_id was already used for a different assessment")]
    RequestIdReused,
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::NotFound(_) => Code::NotFound,
            Refusal::Forbidden(_) => Code::PermissionDenied,
            Refusal::Precondition(_) => Code::FailedPrecondition,
            Refusal::RequestIdReused => Code::AlreadyExists,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Refusal::RequestIdReused => "REQUEST_ID_REUSED",
            other => other.code().reason(),
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
