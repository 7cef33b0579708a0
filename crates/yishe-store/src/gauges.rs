//! The metrics endpoint's role: counts read fresh at each scrape.

use async_trait::async_trait;
use yishe_domain::assessment::RiskKind;
use yishe_domain::referral::Status;

use crate::Result;

#[async_trait]
pub trait Gauges: Send + Sync + std::fmt::Debug {
    /// How many referrals are in each status that is not final.
    async fn open_referrals_by_status(&self) -> Result<Vec<(Status, i64)>>;

    /// Write transactions committed since the database opened, and the COMMITs that
    /// made them durable.
    fn commits(&self) -> Commits;

    /// Risk flags not yet acknowledged, by kind.
    async fn open_risk_flags_by_kind(&self) -> Result<Vec<(RiskKind, i64)>>;
}

/// Write transactions committed by this process, and the COMMITs (each an fsync of the
/// database's log) that made them durable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Commits {
    pub transactions: u64,
    pub commits: u64,
}
