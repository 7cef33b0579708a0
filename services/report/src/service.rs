//! The report use-case: the counts of the caller's station, read as committed on the
//! readers' pool, the caseloads as they stand, and one audit row for the read.

use yishe_domain::report::{ReportRequest, StationReport};
use yishe_domain::{AuditAction, Outcome};
use yishe_runtime::auth::RequestContext;
use yishe_store::Store;

use crate::error::{Error, Refusal};

/// The departments' names, by id.
pub(crate) type Names = std::collections::BTreeMap<yishe_domain::DepartmentId, String>;

#[derive(Debug, Clone)]
pub(crate) struct ReportService {
    store: Store,
}

impl ReportService {
    pub(crate) fn new(store: Store) -> Self {
        Self { store }
    }

    /// The caller's station's report for `request`.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn station_report(
        &self,
        ctx: &RequestContext,
        request: ReportRequest,
    ) -> Result<(StationReport, Names), Error> {
        let station = ctx.caller.station.clone().ok_or(Refusal::NoStation)?;
        let rows = self.store.report_rows(&station, &request).await?;
        let mut tx = self.store.begin().await?;
        let workers = tx.list_workers(&station, false).await?;
        let names = tx
            .list_departments(None)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        // Who read the station's figures, and for which period: no record is named.
        let about = format!(
            "{}..{}",
            request.period.from.to_rfc3339(),
            request.period.to.to_rfc3339()
        );
        tx.append_audit(&ctx.audit(AuditAction::ReportRead, about, Outcome::Ok))
            .await?;
        tx.commit().await?;
        let report = StationReport::assemble(station, request.period, rows, workers);
        Ok((report, names))
    }
}
