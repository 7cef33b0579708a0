//! The stations' storage, and what the directory's idempotent creates remember.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::StationId;
use yishe_domain::directory::Station;

use crate::Result;

/// What an idempotent directory create made: a resend with the same request id finds
/// it here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRequest {
    pub station: StationId,
    pub request_id: String,
    /// `department`, `social_worker` or `api_key`.
    pub kind: String,
    pub resource_id: uuid::Uuid,
    /// The hash of the request's payload, to tell a resend from a reuse.
    pub fingerprint: String,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait StationRepo {
    /// Registers the station unless it is registered already; whether it was new.
    async fn register_station(&mut self, station: &Station) -> Result<bool>;
    /// Whether the station is registered (without counting its load).
    async fn station_registered(&mut self, id: &StationId) -> Result<bool>;
    /// The station with its load now.
    async fn get_station(&mut self, id: &StationId) -> Result<Option<Station>>;
    /// Every station with its load now.
    async fn list_stations(&mut self) -> Result<Vec<Station>>;
    /// Saves a changed station and moves its version on by one; `Error::Stale` when
    /// the stored version moved on since it was read.
    async fn save_station(&mut self, station: &mut Station) -> Result<()>;

    /// What the station's earlier create with this request id made, if any.
    async fn directory_request(
        &mut self,
        station: &StationId,
        request_id: &str,
    ) -> Result<Option<DirectoryRequest>>;
    /// `Error::AlreadyExists` when the station used the request id already.
    async fn record_directory_request(&mut self, request: &DirectoryRequest) -> Result<()>;
}
