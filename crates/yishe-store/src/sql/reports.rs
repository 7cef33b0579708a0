//! `Reports` in SQL, on the readers' pool. Each query counts one kind of event of the
//! period, grouped by department; the department filter, when given, is one more term.

/// Received in the period, and of those accepted, rejected, breached. A reopened case
/// is no new referral: it is left out of what was received and of the waits.
pub(crate) const RECEIVED: &str = "SELECT department_id, COUNT(*), \
     SUM(CASE WHEN accepted_at IS NOT NULL THEN 1 ELSE 0 END), \
     SUM(CASE WHEN status = 'REJECTED' THEN 1 ELSE 0 END), \
     SUM(CASE WHEN sla_breached THEN 1 ELSE 0 END) \
     FROM referrals WHERE station_id = $1 AND created_at >= $2 AND created_at < $3 {department} \
     AND reopened_from_id IS NULL GROUP BY department_id";

pub(crate) const REJECTIONS: &str = "SELECT department_id, rejection_reason, COUNT(*) \
     FROM referrals WHERE station_id = $1 AND created_at >= $2 AND created_at < $3 {department} \
     AND status = 'REJECTED' AND rejection_reason IS NOT NULL AND reopened_from_id IS NULL \
     GROUP BY department_id, rejection_reason";

/// The waits of those received: one row per referral accepted (the percentiles are
/// taken in Rust, by nearest rank, the same on both engines).
pub(crate) const WAITS: &str = "SELECT department_id, created_at, accepted_at, first_contact_at \
     FROM referrals WHERE station_id = $1 AND created_at >= $2 AND created_at < $3 {department} \
     AND accepted_at IS NOT NULL AND reopened_from_id IS NULL";

pub(crate) const CLOSURES: &str = "SELECT department_id, outcome, COUNT(*), \
     COALESCE(SUM(goals_met), 0), COALESCE(SUM(goals_partly_met), 0), \
     COALESCE(SUM(goals_not_met), 0) \
     FROM referrals WHERE station_id = $1 AND ended_at >= $2 AND ended_at < $3 {department} \
     AND closure_state = 'APPROVED' AND outcome IS NOT NULL \
     GROUP BY department_id, outcome";

pub(crate) const FOLLOW_UPS: &str = "SELECT r.department_id, \
     SUM(CASE WHEN f.state = 'DONE' THEN 1 ELSE 0 END), \
     SUM(CASE WHEN f.state = 'MISSED' THEN 1 ELSE 0 END), \
     SUM(CASE WHEN f.overdue AND f.state <> 'DONE' THEN 1 ELSE 0 END) \
     FROM follow_ups f JOIN referrals r ON r.id = f.referral_id \
     WHERE f.station_id = $1 AND f.due_at >= $2 AND f.due_at < $3 {r.department} \
     GROUP BY r.department_id";

pub(crate) const TASKS: &str = "SELECT r.department_id, COUNT(*), \
     SUM(CASE WHEN t.claimed_at IS NOT NULL THEN 1 ELSE 0 END) \
     FROM volunteer_tasks t JOIN referrals r ON r.id = t.referral_id \
     WHERE t.station_id = $1 AND t.created_at >= $2 AND t.created_at < $3 {r.department} \
     GROUP BY r.department_id";

/// `sql` with its department term: none, or `$4`.
pub(crate) fn with_department(sql: &str, department: bool) -> String {
    let (plain, joined) = if department {
        ("AND department_id = $4", "AND r.department_id = $4")
    } else {
        ("", "")
    };
    sql.replace("{department}", plain)
        .replace("{r.department}", joined)
}

macro_rules! impl_reports {
    ($name:ident, $db:ty, readers = $readers:ident) => {
        impl $name {
            /// Runs a report query over `request`'s period and department.
            async fn report_query<T>(
                &self,
                sql: &str,
                station: &::yishe_domain::StationId,
                request: &::yishe_domain::report::ReportRequest,
            ) -> crate::Result<Vec<T>>
            where
                T: for<'r> ::sqlx::FromRow<'r, <$db as ::sqlx::Database>::Row> + Send + Unpin,
            {
                let sql = crate::sql::reports::with_department(sql, request.department.is_some());
                let mut q = ::sqlx::query_as::<_, T>(&sql)
                    .bind(station.as_str())
                    .bind(request.period.from)
                    .bind(request.period.to);
                if let Some(department) = request.department {
                    q = q.bind(department.as_uuid());
                }
                Ok(q.fetch_all(&self.$readers).await?)
            }
        }

        #[::async_trait::async_trait]
        impl crate::Reports for $name {
            async fn report_rows(
                &self,
                station: &::yishe_domain::StationId,
                request: &::yishe_domain::report::ReportRequest,
            ) -> crate::Result<::yishe_domain::report::ReportRows> {
                use crate::sql::reports::*;
                use ::yishe_domain::DepartmentId;
                let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
                let received: Vec<(::uuid::Uuid, i64, i64, i64, i64)> =
                    self.report_query(RECEIVED, station, request).await?;
                let rejections: Vec<(::uuid::Uuid, String, i64)> =
                    self.report_query(REJECTIONS, station, request).await?;
                type Wait = (
                    ::uuid::Uuid,
                    ::chrono::DateTime<::chrono::Utc>,
                    Option<::chrono::DateTime<::chrono::Utc>>,
                    Option<::chrono::DateTime<::chrono::Utc>>,
                );
                let waits: Vec<Wait> = self.report_query(WAITS, station, request).await?;
                let closures: Vec<(::uuid::Uuid, String, i64, i64, i64, i64)> =
                    self.report_query(CLOSURES, station, request).await?;
                let follow_ups: Vec<(::uuid::Uuid, i64, i64, i64)> =
                    self.report_query(FOLLOW_UPS, station, request).await?;
                let tasks: Vec<(::uuid::Uuid, i64, i64)> =
                    self.report_query(TASKS, station, request).await?;
                let corrupt = |what: &str| crate::Error::Corrupt(format!("unreadable {what}"));
                let seconds =
                    |from: ::chrono::DateTime<::chrono::Utc>,
                     to: Option<::chrono::DateTime<::chrono::Utc>>| {
                        to.map(|to| (to - from).num_seconds().max(0))
                    };
                Ok(::yishe_domain::report::ReportRows {
                    received: received
                        .into_iter()
                        .map(|(d, a, b, c, e)| {
                            (
                                DepartmentId::from_uuid(d),
                                [count(a), count(b), count(c), count(e)],
                            )
                        })
                        .collect(),
                    rejections: rejections
                        .into_iter()
                        .map(|(d, reason, n)| {
                            ::yishe_domain::referral::RejectionReason::parse(&reason)
                                .map(|r| (DepartmentId::from_uuid(d), r, count(n)))
                                .ok_or_else(|| corrupt("rejection reason"))
                        })
                        .collect::<crate::Result<_>>()?,
                    waits: waits
                        .into_iter()
                        .map(|(d, created, accepted, contacted)| {
                            (
                                DepartmentId::from_uuid(d),
                                seconds(created, accepted),
                                seconds(created, contacted),
                            )
                        })
                        .collect(),
                    closures: closures
                        .into_iter()
                        .map(|(d, outcome, n, met, partly, not_met)| {
                            ::yishe_domain::referral::ClosureOutcome::parse(&outcome)
                                .map(|o| {
                                    (
                                        DepartmentId::from_uuid(d),
                                        o,
                                        [count(n), count(met), count(partly), count(not_met)],
                                    )
                                })
                                .ok_or_else(|| corrupt("closure outcome"))
                        })
                        .collect::<crate::Result<_>>()?,
                    follow_ups: follow_ups
                        .into_iter()
                        .map(|(d, done, missed, overdue)| {
                            (
                                DepartmentId::from_uuid(d),
                                [count(done), count(missed), count(overdue)],
                            )
                        })
                        .collect(),
                    tasks: tasks
                        .into_iter()
                        .map(|(d, posted, claimed)| {
                            (DepartmentId::from_uuid(d), [count(posted), count(claimed)])
                        })
                        .collect(),
                })
            }
        }
    };
}

pub(crate) use impl_reports;
