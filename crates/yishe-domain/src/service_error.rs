//! The shape of every error a caller can receive: a code, a stable reason for
//! programs, a message for people, and the offending fields of a malformed request.
//! Each crate's `Error` implements `ServiceError`; the runtime turns any of them into a
//! gRPC status in one place.

use crate::{Code, Violations};

/// An error a use-case answers a caller with.
pub trait ServiceError: std::error::Error + Send + Sync + 'static {
    /// What kind of failure this is.
    fn code(&self) -> Code;

    /// A stable reason in UPPER_SNAKE_CASE (`google.rpc.ErrorInfo.reason`), for programs
    /// that must tell one failure of a code from another; the message is for people.
    fn reason(&self) -> &'static str {
        self.code().reason()
    }

    /// The offending fields, for a malformed request.
    fn violations(&self) -> Option<&Violations> {
        None
    }

    /// Facts a program can act on (`google.rpc.ErrorInfo.metadata`): the status a
    /// referral is in, a caseload limit. Never anything about a patient.
    fn metadata(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// How long a caller should wait before trying again (`google.rpc.RetryInfo`), for
    /// a failure that passes.
    fn retry_after(&self) -> Option<std::time::Duration> {
        None
    }
}

/// What cannot happen answers nothing.
impl ServiceError for std::convert::Infallible {
    fn code(&self) -> Code {
        match *self {}
    }
}

impl ServiceError for Violations {
    fn code(&self) -> Code {
        Code::InvalidArgument
    }

    fn violations(&self) -> Option<&Violations> {
        Some(self)
    }
}
