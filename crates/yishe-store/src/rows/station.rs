//! Station rows, with their load, and the directory's request-id rows.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::StationId;
use yishe_domain::directory::{Station, StationLoad};

use super::{corrupt, reasons_from_json};
use crate::{DirectoryRequest, Error, Result};

#[derive(sqlx::FromRow)]
pub(crate) struct StationRow {
    id: String,
    display_name: String,
    referral_reasons: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    caseload_capacity: i64,
    active_workers: i64,
    open_cases: i64,
    waiting_referrals: i64,
}

/// A count as the contract carries it.
fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl TryFrom<StationRow> for Station {
    type Error = Error;

    fn try_from(row: StationRow) -> Result<Self> {
        Ok(Station {
            id: StationId::parse(&row.id).ok_or_else(|| corrupt("station id"))?,
            display_name: row.display_name,
            reasons: reasons_from_json(&row.referral_reasons)?,
            load: StationLoad {
                caseload_capacity: count(row.caseload_capacity),
                open_cases: count(row.open_cases),
                waiting_referrals: count(row.waiting_referrals),
                active_workers: count(row.active_workers),
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DirectoryRequestRow {
    station_id: String,
    request_id: String,
    resource_kind: String,
    resource_id: Uuid,
    fingerprint: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<DirectoryRequestRow> for DirectoryRequest {
    type Error = Error;

    fn try_from(row: DirectoryRequestRow) -> Result<Self> {
        Ok(DirectoryRequest {
            station: StationId::parse(&row.station_id).ok_or_else(|| corrupt("station id"))?,
            request_id: row.request_id,
            kind: row.resource_kind,
            resource_id: row.resource_id,
            fingerprint: row.fingerprint,
            created_at: row.created_at,
        })
    }
}
