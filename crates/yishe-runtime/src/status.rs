//! The one place where error codes become gRPC statuses.

use tonic::Status;
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};
use yishe_domain::{Code, Violations};

/// The gRPC status for `code` with a message for the caller. `Internal` never carries
/// the message: the cause is logged here and the caller gets a generic text.
pub fn to_status(code: Code, message: impl std::fmt::Display) -> Status {
    let message = message.to_string();
    let grpc = match code {
        Code::InvalidArgument => tonic::Code::InvalidArgument,
        Code::FailedPrecondition => tonic::Code::FailedPrecondition,
        Code::NotFound => tonic::Code::NotFound,
        Code::AlreadyExists => tonic::Code::AlreadyExists,
        Code::Aborted => tonic::Code::Aborted,
        Code::PermissionDenied => tonic::Code::PermissionDenied,
        Code::Unauthenticated => tonic::Code::Unauthenticated,
        Code::ResourceExhausted => tonic::Code::ResourceExhausted,
        Code::Unavailable => tonic::Code::Unavailable,
        Code::Internal => {
            tracing::error!(error = %message, "internal error");
            return Status::internal("internal error; the server log has the details");
        }
    };
    Status::new(grpc, message)
}

/// The status for a storage error: its own code and message, except that an internal
/// one is logged with its cause and answered with the generic text (SQL never
/// reaches a caller).
pub fn store_error(cause: &yishe_store::Error) -> Status {
    match cause.code() {
        Code::Internal => to_status(
            Code::Internal,
            format!("{cause}: {:?}", std::error::Error::source(cause)),
        ),
        code => to_status(code, cause),
    }
}

/// INVALID_ARGUMENT naming every offending field, both in the message (for people)
/// and as a `google.rpc.BadRequest` detail (for programs).
pub fn invalid_argument(violations: &Violations) -> Status {
    let details = ErrorDetails::with_bad_request(
        violations
            .iter()
            .map(|v| FieldViolation::new(&v.field, &v.description))
            .collect::<Vec<_>>(),
    );
    Status::with_error_details(
        tonic::Code::InvalidArgument,
        violations.to_string(),
        details,
    )
}

/// The gRPC code name used in metric labels (`OK`, `NOT_FOUND`, ...).
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_errors_keep_their_code_and_hide_their_cause() {
        let stale = store_error(&yishe_store::Error::Stale);
        assert_eq!(stale.code(), tonic::Code::Aborted);
        assert_eq!(
            stale.message(),
            "the record was changed by someone else; read it again"
        );
        let broken = store_error(&yishe_store::Error::Corrupt(
            "SELECT secret FROM referrals".into(),
        ));
        assert_eq!(broken.code(), tonic::Code::Internal);
        assert!(!broken.message().contains("SELECT"));
    }

    #[test]
    fn internal_errors_never_reach_the_caller() {
        let status = to_status(Code::Internal, "syntax error at or near SELECT");
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(!status.message().contains("SELECT"));
    }

    #[test]
    fn violations_become_bad_request_details() {
        let mut v = Violations::new();
        v.add("referral.patient.name", "is required");
        v.add("referral.priority", "is required");
        let status = invalid_argument(&v);
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().contains("referral.patient.name"));
        let bad = status
            .get_details_bad_request()
            .expect("bad request detail");
        let fields: Vec<_> = bad
            .field_violations
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, vec!["referral.patient.name", "referral.priority"]);
    }
}
