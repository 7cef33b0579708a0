//! The one place where errors become gRPC statuses. Every status carries a
//! `google.rpc.ErrorInfo` (domain `yishe`, the error's stable reason); a malformed
//! request also carries a `google.rpc.BadRequest` naming each offending field. An
//! internal error is logged with its cause and answered with a generic text, so SQL
//! and stack details never reach a caller.

use std::collections::HashMap;

use tonic::Status;
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};
use yishe_domain::{Code, ServiceError};

/// The `ErrorInfo.domain` of every Yishe error.
pub const ERROR_DOMAIN: &str = "yishe";

/// The status a caller receives for `error`: its `ErrorInfo` (reason and metadata), the
/// offending fields of a malformed request, when to retry a failure that passes, and
/// the message in the caller's language (`accept-language`, see `locale`).
pub fn of<E: ServiceError + ?Sized>(error: &E) -> Status {
    in_locale(crate::locale::Locale::current(), error)
}

/// `of` in a given locale: for errors a response stream yields, which are made while
/// the connection polls the stream, after the call's locale scope has ended (take
/// `Locale::current()` when the call starts).
pub fn in_locale<E: ServiceError + ?Sized>(locale: crate::locale::Locale, error: &E) -> Status {
    let code = error.code();
    let metadata = error.metadata();
    let info: HashMap<String, String> = metadata
        .iter()
        .map(|(key, value)| ((*key).to_owned(), value.clone()))
        .collect();
    let mut details = ErrorDetails::with_error_info(error.reason(), ERROR_DOMAIN, info);
    if let Some(violations) = error.violations() {
        details.set_bad_request(
            violations
                .iter()
                .map(|v| FieldViolation::new(&v.field, &v.description))
                .collect::<Vec<_>>(),
        );
    }
    if let Some(after) = error.retry_after() {
        details.set_retry_info(Some(after));
    }
    let message = if code == Code::Internal {
        tracing::error!(error = %Chain(error), "internal error");
        "internal error; the server log has the details".to_owned()
    } else {
        error.to_string()
    };
    let localized = locale.message(error.reason(), &metadata, &message);
    details.set_localized_message(locale.tag(), localized);
    Status::with_error_details(grpc_code(code), message, details)
}

/// Why a call was refused before any service saw it: the server is at its limit of
/// calls in flight.
#[derive(Debug, thiserror::Error)]
#[error("server overloaded; retry with backoff")]
pub struct Overloaded;

impl ServiceError for Overloaded {
    fn code(&self) -> Code {
        Code::ResourceExhausted
    }

    fn reason(&self) -> &'static str {
        "OVERLOADED"
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(1))
    }
}

/// A request message larger than the server decodes.
#[derive(Debug, thiserror::Error)]
#[error("the request message is larger than the {limit} bytes this server accepts")]
pub struct MessageTooLarge {
    pub limit: usize,
}

impl ServiceError for MessageTooLarge {
    fn code(&self) -> Code {
        Code::ResourceExhausted
    }

    fn reason(&self) -> &'static str {
        "MESSAGE_TOO_LARGE"
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        vec![("limit_bytes", self.limit.to_string())]
    }
}

/// The gRPC code of a domain code.
pub fn grpc_code(code: Code) -> tonic::Code {
    match code {
        Code::InvalidArgument => tonic::Code::InvalidArgument,
        Code::FailedPrecondition => tonic::Code::FailedPrecondition,
        Code::NotFound => tonic::Code::NotFound,
        Code::AlreadyExists => tonic::Code::AlreadyExists,
        Code::Aborted => tonic::Code::Aborted,
        Code::PermissionDenied => tonic::Code::PermissionDenied,
        Code::Unauthenticated => tonic::Code::Unauthenticated,
        Code::ResourceExhausted => tonic::Code::ResourceExhausted,
        Code::Unavailable => tonic::Code::Unavailable,
        Code::Internal => tonic::Code::Internal,
    }
}

/// An error with its chain of causes, for the log only.
struct Chain<'a, E: ?Sized>(&'a E);

impl<E: std::error::Error + ?Sized> std::fmt::Display for Chain<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(next) = cause {
            write!(f, ": {next}")?;
            cause = next.source();
        }
        Ok(())
    }
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
    use yishe_domain::Violations;

    #[test]
    fn storage_errors_keep_their_code_and_hide_their_cause() {
        let stale = of(&yishe_store::Error::Stale);
        assert_eq!(stale.code(), tonic::Code::Aborted);
        assert_eq!(
            stale.message(),
            "the record was changed by someone else; read it again"
        );
        let broken = of(&yishe_store::Error::Corrupt(
            "SELECT secret FROM referrals".into(),
        ));
        assert_eq!(broken.code(), tonic::Code::Internal);
        assert!(!broken.message().contains("SELECT"));
        assert_eq!(broken.get_details_error_info().unwrap().reason, "INTERNAL");
    }

    #[test]
    fn internal_errors_never_reach_the_caller() {
        #[derive(Debug, thiserror::Error)]
        #[error("syntax error at or near SELECT")]
        struct Broken;
        impl ServiceError for Broken {
            fn code(&self) -> Code {
                Code::Internal
            }
        }
        let status = of(&Broken);
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(!status.message().contains("SELECT"));
    }

    #[test]
    fn violations_become_bad_request_details() {
        let mut v = Violations::new();
        v.add("referral.patient.name", "is required");
        v.add("referral.priority", "is required");
        let status = of(&v);
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
        let info = status.get_details_error_info().expect("error info");
        assert_eq!(
            (info.reason.as_str(), info.domain.as_str()),
            ("INVALID_FIELDS", "yishe")
        );
    }
}
