//! The audit service's errors: only the store's, since requests are checked at the
//! edge.

use yishe_domain::{Code, ServiceError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::Store(e) => e.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Error::Store(e) => e.reason(),
        }
    }
}
