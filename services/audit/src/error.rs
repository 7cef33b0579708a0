//! The audit service's errors.

use yishe_domain::{Code, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
}

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::Invalid(_) => Code::InvalidArgument,
            Error::Store(e) => e.code(),
        }
    }

    pub fn into_status(self) -> tonic::Status {
        match &self {
            Error::Invalid(violations) => yishe_runtime::status::invalid_argument(violations),
            Error::Store(cause) => yishe_runtime::status::store_error(cause),
        }
    }
}
