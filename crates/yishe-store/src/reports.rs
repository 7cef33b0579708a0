//! The reports' role: counts of a station's period, computed in SQL on the readers'
//! pool (each served by an index on the station and the time it counts by).

use async_trait::async_trait;
use yishe_domain::StationId;
use yishe_domain::report::{ReportRequest, ReportRows};

use crate::Result;

#[async_trait]
pub trait Reports: Send + Sync + std::fmt::Debug {
    /// The rows `request` counts at `station`, each per referring department.
    async fn report_rows(&self, station: &StationId, request: &ReportRequest)
    -> Result<ReportRows>;
}
