//! Why a use-case failed: the service's own refusal, or what any use-case can run into
//! (a malformed request, a stale etag, a change the referral's rules refuse, the
//! store). Each service names only its own refusals; this type answers for the rest.

use std::convert::Infallible;

use yishe_domain::referral::ChangeError;
use yishe_domain::{Code, ServiceError, StaleEtag, Violations};

#[derive(Debug, thiserror::Error)]
pub enum Failure<R> {
    /// The service's own refusal.
    #[error(transparent)]
    Refused(R),
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Stale(#[from] StaleEtag),
    /// The referral's rules refuse the change.
    #[error(transparent)]
    Change(#[from] ChangeError),
    #[error(transparent)]
    Store(#[from] yishe_store::Error),
}

impl<R: ServiceError> Failure<R> {
    /// The error that answers the caller.
    fn answer(&self) -> &dyn ServiceError {
        match self {
            Failure::Refused(e) => e,
            Failure::Invalid(e) => e,
            Failure::Stale(e) => e,
            Failure::Change(e) => e,
            Failure::Store(e) => e,
        }
    }
}

impl<R: ServiceError> ServiceError for Failure<R> {
    fn code(&self) -> Code {
        self.answer().code()
    }

    fn reason(&self) -> &'static str {
        self.answer().reason()
    }

    fn violations(&self) -> Option<&Violations> {
        self.answer().violations()
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        self.answer().metadata()
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        self.answer().retry_after()
    }
}

/// A service with no refusals of its own.
pub type NoRefusal = Infallible;
