//! The directory service's errors and the code each one is answered with.

use yishe_domain::{Code, ServiceError, StaleEtag, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Violations),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Stale(#[from] StaleEtag),
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
    #[error("cannot write the admin key file: {0}")]
    KeyFile(#[from] std::io::Error),
    #[error("{0}")]
    Precondition(String),
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::Invalid(_) => Code::InvalidArgument,
            Error::NotFound(_) => Code::NotFound,
            Error::Stale(_) => Code::Aborted,
            Error::Store(e) => e.code(),
            Error::KeyFile(_) => Code::Internal,
            Error::Precondition(_) => Code::FailedPrecondition,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Error::Stale(_) => "STALE_ETAG",
            Error::Store(e) => e.reason(),
            other => other.code().reason(),
        }
    }

    fn violations(&self) -> Option<&Violations> {
        match self {
            Error::Invalid(v) => Some(v),
            _ => None,
        }
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
