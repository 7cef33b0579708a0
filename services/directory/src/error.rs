//! The directory service's own refusals; with what any use-case can run into, they
//! make its `Error`.

use yishe_domain::{Code, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("social worker not found")]
    SocialWorkerNotFound,
    #[error("api key not found")]
    ApiKeyNotFound,
    #[error("volunteer team not found")]
    VolunteerTeamNotFound,
    #[error("volunteer not found")]
    VolunteerNotFound,
    /// Only a valid supervisor key without a worker is linked.
    #[error("only a valid supervisor key not yet linked to a social worker can be linked")]
    KeyNotLinkable,
    #[error("station not found")]
    StationNotFound,
    #[error("the hospital already has a department with this code")]
    DepartmentCodeInUse,
    #[error("the request id was used before for another request")]
    RequestIdReused,
    /// Rotation rewrites the key file; keys given in the environment are rotated there.
    #[error(
        "the encryption keys come from the environment (YISHE_ENCRYPTION_KEYS): rotate them there"
    )]
    KeysFromEnvironment,
    #[error("cannot write the admin key file: {0}")]
    KeyFile(#[from] std::io::Error),
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::SocialWorkerNotFound
            | Refusal::ApiKeyNotFound
            | Refusal::StationNotFound
            | Refusal::VolunteerTeamNotFound
            | Refusal::VolunteerNotFound => Code::NotFound,
            Refusal::KeyNotLinkable => Code::FailedPrecondition,
            Refusal::DepartmentCodeInUse | Refusal::RequestIdReused => Code::AlreadyExists,
            Refusal::KeysFromEnvironment => Code::FailedPrecondition,
            Refusal::KeyFile(_) => Code::Internal,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Refusal::SocialWorkerNotFound => "SOCIAL_WORKER_NOT_FOUND",
            Refusal::ApiKeyNotFound => "API_KEY_NOT_FOUND",
            Refusal::VolunteerTeamNotFound => "VOLUNTEER_TEAM_NOT_FOUND",
            Refusal::VolunteerNotFound => "VOLUNTEER_NOT_FOUND",
            Refusal::KeyNotLinkable => "KEY_NOT_LINKABLE",
            Refusal::StationNotFound => "STATION_NOT_FOUND",
            Refusal::DepartmentCodeInUse => "DEPARTMENT_CODE_IN_USE",
            Refusal::RequestIdReused => "REQUEST_ID_REUSED",
            Refusal::KeysFromEnvironment => "KEYS_FROM_ENVIRONMENT",
            Refusal::KeyFile(_) => "INTERNAL",
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
