//! The referral service's own refusals; with what any use-case can run into, they
//! make its `Error`.

use yishe_domain::{Code, ReferralId, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not found, or not visible to the caller: the two are answered alike so that a
    /// caller cannot probe for referrals it may not see.
    #[error("referral not found")]
    NotFound,
    #[error("social worker not found")]
    WorkerNotFound,
    /// The caller's credentials are bound to other departments (or another hospital).
    #[error("these credentials may not refer from that hospital and department")]
    DepartmentNotAllowed,
    /// The server is shutting down: an open watch ends with this, and the client
    /// reconnects (to another replica, or this one when it is back) from its last
    /// sequence.
    #[error("the server is shutting down; reconnect from your last sequence")]
    ShuttingDown,
    /// The request id named another payload before. The first referral's id is told
    /// only to a caller who may read it.
    #[error("this request_id was already used for a different referral")]
    RequestIdReused {
        existing: Option<yishe_domain::ReferralId>,
    },
    /// An open referral of the hospital already carries this order number. Its id is
    /// told only to a caller who may read it.
    #[error("an open referral of this hospital already has this placer_order_id")]
    PlacerOrderIdInUse {
        existing: Option<yishe_domain::ReferralId>,
    },
    /// The referral a create says it sends again does not exist or is not the caller's
    /// to see.
    #[error("previous_referral_id names no referral you may see")]
    PreviousReferralNotFound,
    /// The station holds nothing (left) about the patient a rights request names.
    #[error("the station holds no data about this patient")]
    PatientNotFound,
    /// The patient's details were erased: nothing is left to correct.
    #[error("the patient's details on this referral were erased")]
    PatientDataErased,
    /// Erasure waits until every case of the patient is closed.
    #[error("the patient has open referrals: withdraw consent or close them first")]
    PatientHasOpenReferrals(Vec<ReferralId>),
    /// The station a create names is not registered.
    #[error("station_id names no registered station (ListStations lists them)")]
    StationNotFound,
    /// Only a declined referral is sent again.
    #[error("the previous referral is {}, not REJECTED: only a declined referral is sent again", .0.as_str())]
    PreviousReferralNotRejected(yishe_domain::referral::Status),
    /// A watch asked to start after a sequence the feed has not reached: the cursor
    /// belongs to another installation, or the database was restored from a backup.
    #[error(
        "after_sequence is past the feed's head ({head}); the feed was restored or is another installation's"
    )]
    CursorAheadOfFeed { head: u64 },
    /// A watch asked to start after a sequence whose successors are no longer kept.
    #[error(
        "events after this sequence are no longer kept (the oldest is {oldest}); resynchronise, then watch from now"
    )]
    CursorExpired { oldest: u64 },
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::NotFound
            | Refusal::WorkerNotFound
            | Refusal::PreviousReferralNotFound
            | Refusal::StationNotFound
            | Refusal::PatientNotFound => Code::NotFound,
            Refusal::PatientDataErased | Refusal::PatientHasOpenReferrals(_) => {
                Code::FailedPrecondition
            }
            Refusal::PreviousReferralNotRejected(_) => Code::FailedPrecondition,
            Refusal::DepartmentNotAllowed => Code::PermissionDenied,
            Refusal::RequestIdReused { .. } | Refusal::PlacerOrderIdInUse { .. } => {
                Code::AlreadyExists
            }
            Refusal::ShuttingDown => Code::Unavailable,
            Refusal::CursorAheadOfFeed { .. } | Refusal::CursorExpired { .. } => {
                Code::FailedPrecondition
            }
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Refusal::NotFound => "REFERRAL_NOT_FOUND",
            Refusal::WorkerNotFound => "SOCIAL_WORKER_NOT_FOUND",
            Refusal::DepartmentNotAllowed => "DEPARTMENT_NOT_ALLOWED",
            Refusal::RequestIdReused { .. } => "REQUEST_ID_REUSED",
            Refusal::PlacerOrderIdInUse { .. } => "PLACER_ORDER_ID_IN_USE",
            Refusal::PreviousReferralNotFound => "PREVIOUS_REFERRAL_NOT_FOUND",
            Refusal::StationNotFound => "STATION_NOT_FOUND",
            Refusal::PatientNotFound => "PATIENT_NOT_FOUND",
            Refusal::PatientDataErased => "PATIENT_DATA_ERASED",
            Refusal::PatientHasOpenReferrals(_) => "PATIENT_HAS_OPEN_REFERRALS",
            Refusal::PreviousReferralNotRejected(_) => "PREVIOUS_REFERRAL_NOT_REJECTED",
            Refusal::ShuttingDown => "SHUTTING_DOWN",
            Refusal::CursorAheadOfFeed { .. } => "CURSOR_AHEAD_OF_FEED",
            Refusal::CursorExpired { .. } => "CURSOR_EXPIRED",
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            Refusal::RequestIdReused { existing: Some(id) }
            | Refusal::PlacerOrderIdInUse { existing: Some(id) } => {
                vec![("referral_id", id.to_string())]
            }
            Refusal::PreviousReferralNotRejected(status) => {
                vec![("status", status.as_str().to_owned())]
            }
            Refusal::CursorAheadOfFeed { head } => vec![("head_sequence", head.to_string())],
            Refusal::PatientHasOpenReferrals(ids) => vec![(
                "referral_ids",
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            )],
            Refusal::CursorExpired { oldest } => vec![("oldest_sequence", oldest.to_string())],
            _ => Vec::new(),
        }
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        matches!(self, Refusal::ShuttingDown).then_some(std::time::Duration::from_secs(1))
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
