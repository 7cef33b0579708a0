//! The assessment service's errors and the code each one is answered with.

use yishe_domain::referral::ChangeError;
use yishe_domain::{Code, ServiceError, StaleEtag, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Violations),
    /// Not found, or not visible to the caller: answered alike, so nobody can probe.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Precondition(String),
    /// The referral's rules refuse what the assessment would do to it.
    #[error(transparent)]
    Change(#[from] ChangeError),
    #[error(transparent)]
    Stale(#[from] StaleEtag),
    #[error("this request_id was already used for a different assessment")]
    RequestIdReused,
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::Invalid(_) => Code::InvalidArgument,
            Error::NotFound(_) => Code::NotFound,
            Error::Forbidden(_) => Code::PermissionDenied,
            Error::Change(e) => e.code(),
            Error::Precondition(_) => Code::FailedPrecondition,
            Error::Stale(_) => Code::Aborted,
            Error::RequestIdReused => Code::AlreadyExists,
            Error::Store(e) => e.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Error::Change(e) => e.reason(),
            Error::Stale(_) => "STALE_ETAG",
            Error::RequestIdReused => "REQUEST_ID_REUSED",
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
