//! The report service's own refusal; with what any use-case can run into, it makes
//! its `Error`.

use yishe_domain::{Code, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Reports are of a station: a credential of none has nothing to report on.
    #[error("these credentials belong to no station: a report is of the caller's station")]
    NoStation,
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        Code::FailedPrecondition
    }

    fn reason(&self) -> &'static str {
        "NO_STATION"
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}
