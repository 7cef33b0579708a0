//! The error vocabulary every Yishe crate maps its errors onto; the runtime turns a
//! `Code` into a gRPC status in exactly one place.

/// What kind of failure an error is, as a caller should understand it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The request is malformed; the offending fields are named.
    InvalidArgument,
    /// The record's current state does not allow the change.
    FailedPrecondition,
    /// No such record, or the caller may not know it exists.
    NotFound,
    /// A record with the same identity exists already.
    AlreadyExists,
    /// The record changed since the caller read it (stale etag).
    Aborted,
    /// The caller is known but may not do this.
    PermissionDenied,
    /// The caller could not be identified.
    Unauthenticated,
    /// The server is overloaded; retry later.
    ResourceExhausted,
    /// A dependency (the database) is not reachable right now; retry later.
    Unavailable,
    /// A bug or an unexpected failure; details are logged, never sent.
    Internal,
}

impl Code {
    /// The outcome recorded in audit rows for a call refused with this code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "invalid_argument",
            Code::FailedPrecondition => "failed_precondition",
            Code::NotFound => "not_found",
            Code::AlreadyExists => "already_exists",
            Code::Aborted => "aborted",
            Code::PermissionDenied => "permission_denied",
            Code::Unauthenticated => "unauthenticated",
            Code::ResourceExhausted => "resource_exhausted",
            Code::Unavailable => "unavailable",
            Code::Internal => "internal",
        }
    }

    /// The reason an error of this code gives when it has none more specific.
    pub fn reason(self) -> &'static str {
        match self {
            Code::InvalidArgument => "INVALID_FIELDS",
            Code::FailedPrecondition => "FAILED_PRECONDITION",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::Aborted => "ABORTED",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::ResourceExhausted => "OVERLOADED",
            Code::Unavailable => "UNAVAILABLE",
            Code::Internal => "INTERNAL",
        }
    }
}
