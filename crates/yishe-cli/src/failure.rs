//! How a failed command is reported: the server's code, message and offending fields.

use std::process::ExitCode;

use tonic_types::StatusExt;

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The server refused the call.
    Status(tonic::Status),
    /// The command could not be sent (no server, bad address, bad arguments).
    Local(String),
    /// The command ran and found a problem (a broken audit chain).
    Found(String),
}

impl From<tonic::Status> for Failure {
    fn from(status: tonic::Status) -> Self {
        Failure::Status(status)
    }
}

impl Failure {
    pub(crate) fn local(message: impl Into<String>) -> Self {
        Failure::Local(message.into())
    }

    pub(crate) fn report(self) -> ExitCode {
        match self {
            Failure::Local(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Failure::Found(message) => {
                eprintln!("{message}");
                ExitCode::from(3)
            }
            Failure::Status(status) => {
                match status.get_details_bad_request() {
                    Some(bad) if !bad.field_violations.is_empty() => {
                        eprintln!("error: {:?}: invalid request", status.code());
                        for v in bad.field_violations {
                            eprintln!("  - {}: {}", v.field, v.description);
                        }
                    }
                    _ => eprintln!("error: {:?}: {}", status.code(), status.message()),
                }
                ExitCode::from(1)
            }
        }
    }
}
