//! The audit service's errors.

use yishe_domain::{Code, ServiceError, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::Invalid(_) => Code::InvalidArgument,
            Error::Store(e) => e.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
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
