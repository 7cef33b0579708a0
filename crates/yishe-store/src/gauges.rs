//! The metrics endpoint's role: counts read fresh at each scrape, and the state of the
//! process's connections. Everything here is counted by codes (station, status, kind),
//! never by a person.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::assessment::RiskKind;
use yishe_domain::followup::Purpose;
use yishe_domain::referral::Status;

use crate::Result;
pub use crate::in_process::WaitObserver;

#[async_trait]
pub trait Gauges: Send + Sync + std::fmt::Debug {
    /// How many referrals each station has in each status that is not final.
    async fn open_referrals(&self) -> Result<Vec<OpenReferrals>>;

    /// Write transactions committed since the database opened, and the COMMITs that
    /// made them durable.
    fn commits(&self) -> Commits;

    /// Risk flags not yet acknowledged, by station and kind, with the oldest one's
    /// time.
    async fn open_risk_flags(&self) -> Result<Vec<OpenRiskFlags>>;

    /// Each station's open cases against what its active workers (not on leave) may
    /// hold.
    async fn caseloads(&self) -> Result<Vec<Caseload>>;

    /// Scheduled follow-ups by station, purpose, and whether they are overdue and
    /// escalated.
    async fn open_follow_ups(&self) -> Result<Vec<OpenFollowUps>>;

    /// Volunteer tasks on the board nobody claimed, for every registered station (none
    /// is a zero), and how many of them passed their claim deadline at `now`.
    async fn unclaimed_volunteer_tasks(&self, now: DateTime<Utc>) -> Result<Vec<Unclaimed>>;

    /// Events committed and not yet moved into the feed.
    async fn outbox_pending(&self) -> Result<i64>;

    /// Audit rows committed and not yet chained by the sealer, and the oldest one's
    /// time.
    async fn audit_unsealed(&self) -> Result<Unsealed>;

    /// The connections of this process's pools now.
    fn pools(&self) -> Vec<PoolState>;

    /// Tells `observer` how long each write transaction waited for its connection.
    fn observe_writer_waits(&self, observer: WaitObserver);
}

/// Write transactions committed by this process, and the COMMITs (each an fsync of the
/// database's log) that made them durable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Commits {
    pub transactions: u64,
    pub commits: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReferrals {
    pub station: String,
    pub status: Status,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRiskFlags {
    pub station: String,
    pub kind: RiskKind,
    pub count: i64,
    pub oldest_raised_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caseload {
    pub station: String,
    /// Open cases assigned to the station's workers.
    pub open_cases: i64,
    /// The sum of the caseload limits of the workers who may take new cases.
    pub limit: i64,
    /// Workers who may take new cases and hold as many as their limit or more.
    pub workers_at_limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFollowUps {
    pub station: String,
    pub purpose: Purpose,
    pub overdue: bool,
    pub escalated: bool,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclaimed {
    pub station: String,
    pub count: i64,
    /// Of them, those past their claim deadline.
    pub overdue: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unsealed {
    pub count: i64,
    pub oldest: Option<DateTime<Utc>>,
}

/// One pool of connections: write transactions' (`writer`) or reads' (`reader`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    pub pool: &'static str,
    /// The most connections it holds.
    pub max: u32,
    /// Connections held by a transaction or a read now.
    pub in_use: u32,
    /// Connections open and idle.
    pub idle: u32,
    /// Callers waiting for a connection (counted for the writer only).
    pub waiting: i64,
}
