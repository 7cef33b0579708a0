//! The directory service's own refusals; with what any use-case can run into, they
//! make its `Error`.

use yishe_domain::{Code, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Precondition(String),
    #[error("cannot write the admin key file: {0}")]
    KeyFile(#[from] std::io::Error),
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::NotFound(_) => Code::NotFound,
            Refusal::Precondition(_) => Code::FailedPrecondition,
            Refusal::KeyFile(_) => Code::Internal,
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
