//! The referral service's errors, as its callers receive them.

use yishe_domain::referral::ChangeError;
use yishe_domain::{Code, ServiceError, StaleEtag, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Violations),
    /// Not found, or not visible to the caller: the two are answered alike so that a
    /// caller cannot probe for referrals it may not see.
    #[error("referral not found")]
    NotFound,
    #[error("social worker not found")]
    WorkerNotFound,
    #[error("{0}")]
    Forbidden(String),
    /// The referral's rules refuse the change.
    #[error(transparent)]
    Change(#[from] ChangeError),
    #[error(transparent)]
    Stale(#[from] StaleEtag),
    #[error("this request_id was already used for a different referral")]
    RequestIdReused,
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
}

impl ServiceError for Error {
    fn code(&self) -> Code {
        match self {
            Error::Invalid(_) => Code::InvalidArgument,
            Error::NotFound | Error::WorkerNotFound => Code::NotFound,
            Error::Forbidden(_) => Code::PermissionDenied,
            Error::Change(e) => e.code(),
            Error::Stale(_) => Code::Aborted,
            Error::RequestIdReused => Code::AlreadyExists,
            Error::Store(e) => e.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Error::NotFound => "REFERRAL_NOT_FOUND",
            Error::WorkerNotFound => "SOCIAL_WORKER_NOT_FOUND",
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
