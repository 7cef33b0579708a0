//! How the engine would run a list: for the plan tests, and for an ops engineer who
//! wonders why a list got slow.

use async_trait::async_trait;
use yishe_domain::referral::{ListFilter, ListOrder, ListScope};

use crate::Result;

#[async_trait]
pub trait QueryPlans: Send + Sync + std::fmt::Debug {
    /// The engine's plan for the first page, in `order`, of the referrals `scope` may
    /// see that match `filter`, one line per step (`EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on
    /// SQLite). On PostgreSQL sequential scans and sorts are priced out, so the plan is
    /// the one a large table would get even when the table is small: if it still scans
    /// or sorts, no index serves the list.
    async fn explain_referral_list(
        &self,
        scope: &ListScope,
        filter: &ListFilter,
        order: ListOrder,
    ) -> Result<Vec<String>>;

    /// The engine's plan for the auditor's search for who saw one record (of a kind),
    /// as above, sequential scans priced out on PostgreSQL.
    async fn explain_audit_search(&self) -> Result<Vec<String>>;

    /// The engine's plan for each query of a station's report, by name, as above.
    async fn explain_report(
        &self,
        station: &yishe_domain::StationId,
        request: &yishe_domain::report::ReportRequest,
    ) -> Result<Vec<(&'static str, Vec<String>)>>;
}
