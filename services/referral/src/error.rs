//! The referral service's errors and the code each one is answered with.

use yishe_domain::directory::AssignmentError;
use yishe_domain::referral::TransitionError;
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
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Assignment(#[from] AssignmentError),
    #[error("{0}")]
    Precondition(String),
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
            Error::Transition(TransitionError::RoleNotAllowed { .. }) => Code::PermissionDenied,
            Error::Transition(TransitionError::NotAllowed { .. }) => Code::FailedPrecondition,
            Error::Assignment(_) | Error::Precondition(_) => Code::FailedPrecondition,
            Error::Stale(_) => Code::Aborted,
            Error::RequestIdReused => Code::AlreadyExists,
            Error::Store(e) => e.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Error::NotFound => "REFERRAL_NOT_FOUND",
            Error::WorkerNotFound => "SOCIAL_WORKER_NOT_FOUND",
            Error::Transition(e) => e.reason(),
            Error::Assignment(e) => e.reason(),
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
