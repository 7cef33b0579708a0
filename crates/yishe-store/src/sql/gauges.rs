//! `Gauges` in SQL, on the readers' pool. Each count is one grouped query over an
//! index the workflow already keeps; the pools' state comes from the engine
//! (`pool_states`).

macro_rules! impl_gauges {
    ($name:ident, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::Gauges for $name {
            fn commits(&self) -> crate::Commits {
                self.local.commits.read()
            }

            fn pools(&self) -> Vec<crate::PoolState> {
                self.pool_states()
            }

            fn observe_writer_waits(&self, observer: crate::WaitObserver) {
                self.local.writer_waits.observe_with(observer);
            }

            async fn open_referrals(&self) -> crate::Result<Vec<crate::OpenReferrals>> {
                let sql = format!(
                    "SELECT station_id, status, COUNT(*) FROM referrals WHERE status IN ({}) \
                     GROUP BY station_id, status ORDER BY station_id, status",
                    crate::sql::statuses(|s| !s.is_terminal())
                );
                let rows: Vec<(String, String, i64)> =
                    ::sqlx::query_as(&sql).fetch_all(&self.$readers).await?;
                rows.into_iter()
                    .map(|(station, status, count)| {
                        Ok(crate::OpenReferrals {
                            station,
                            status: crate::sql::gauges::parsed(
                                ::yishe_domain::referral::Status::parse(&status),
                                "status",
                            )?,
                            count,
                        })
                    })
                    .collect()
            }

            async fn open_risk_flags(&self) -> crate::Result<Vec<crate::OpenRiskFlags>> {
                let rows: Vec<(String, String, i64, ::chrono::DateTime<::chrono::Utc>)> =
                    ::sqlx::query_as(
                        "SELECT station_id, kind, COUNT(*), MIN(raised_at) FROM risk_flags \
                         WHERE acknowledged_at IS NULL \
                         GROUP BY station_id, kind ORDER BY station_id, kind",
                    )
                    .fetch_all(&self.$readers)
                    .await?;
                rows.into_iter()
                    .map(|(station, kind, count, oldest_raised_at)| {
                        Ok(crate::OpenRiskFlags {
                            station,
                            kind: crate::sql::gauges::parsed(
                                ::yishe_domain::assessment::RiskKind::parse(&kind),
                                "risk kind",
                            )?,
                            count,
                            oldest_raised_at,
                        })
                    })
                    .collect()
            }

            async fn caseloads(&self) -> crate::Result<Vec<crate::Caseload>> {
                // Per worker who may take new cases, then per station: a worker on
                // leave or gone keeps their open cases in the count (they are the
                // station's until reassigned) but adds nothing to the limit. (The casts:
                // PostgreSQL sums BIGINTs into NUMERIC.)
                let sql = format!(
                    "SELECT w.station_id, \
                       CAST(SUM(w.open_cases) AS BIGINT), \
                       CAST(SUM(CASE WHEN w.available THEN w.caseload_limit ELSE 0 END) AS BIGINT), \
                       CAST(SUM(CASE WHEN w.available AND w.open_cases >= w.caseload_limit \
                           THEN 1 ELSE 0 END) AS BIGINT) \
                     FROM (SELECT sw.station_id, sw.caseload_limit, \
                             (sw.active AND NOT sw.on_leave) AS available, \
                             (SELECT COUNT(*) FROM referrals r \
                                WHERE r.assigned_worker_id = sw.id AND r.status IN ({})) \
                               AS open_cases \
                           FROM social_workers sw) AS w \
                     GROUP BY w.station_id ORDER BY w.station_id",
                    crate::sql::statuses(|s| !s.is_terminal())
                );
                let rows: Vec<(String, i64, i64, i64)> =
                    ::sqlx::query_as(&sql).fetch_all(&self.$readers).await?;
                Ok(rows
                    .into_iter()
                    .map(|(station, open_cases, limit, workers_at_limit)| crate::Caseload {
                        station,
                        open_cases,
                        limit,
                        workers_at_limit,
                    })
                    .collect())
            }

            async fn open_follow_ups(&self) -> crate::Result<Vec<crate::OpenFollowUps>> {
                let rows: Vec<(String, String, bool, bool, i64)> = ::sqlx::query_as(
                    "SELECT station_id, purpose, overdue, escalated, COUNT(*) FROM follow_ups \
                     WHERE state = 'SCHEDULED' \
                     GROUP BY station_id, purpose, overdue, escalated \
                     ORDER BY station_id, purpose, overdue, escalated",
                )
                .fetch_all(&self.$readers)
                .await?;
                rows.into_iter()
                    .map(|(station, purpose, overdue, escalated, count)| {
                        Ok(crate::OpenFollowUps {
                            station,
                            purpose: crate::sql::gauges::parsed(
                                ::yishe_domain::followup::Purpose::parse(&purpose),
                                "follow-up purpose",
                            )?,
                            overdue,
                            escalated,
                            count,
                        })
                    })
                    .collect()
            }

            async fn unclaimed_volunteer_tasks(
                &self,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> crate::Result<Vec<crate::Unclaimed>> {
                // Every registered station, those with none at zero: a board that
                // empties reads 0 rather than nothing.
                let rows: Vec<(String, i64, i64)> = ::sqlx::query_as(
                    "SELECT s.id, COUNT(t.id), CAST(COALESCE(SUM( \
                       CASE WHEN t.claim_deadline < $1 THEN 1 ELSE 0 END), 0) AS BIGINT) \
                     FROM stations s LEFT JOIN volunteer_tasks t \
                       ON t.station_id = s.id AND t.state = 'POSTED' \
                     GROUP BY s.id ORDER BY s.id",
                )
                .bind(now)
                .fetch_all(&self.$readers)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(station, count, overdue)| crate::Unclaimed {
                        station,
                        count,
                        overdue,
                    })
                    .collect())
            }

            async fn outbox_pending(&self) -> crate::Result<i64> {
                Ok(::sqlx::query_scalar("SELECT COUNT(*) FROM referral_outbox")
                    .fetch_one(&self.$readers)
                    .await?)
            }

            async fn audit_unsealed(&self) -> crate::Result<crate::Unsealed> {
                let count: i64 = ::sqlx::query_scalar("SELECT COUNT(*) FROM audit_pending")
                    .fetch_one(&self.$readers)
                    .await?;
                // The head of the sealer's queue: the row it has waited on longest.
                let oldest: Option<::chrono::DateTime<::chrono::Utc>> = ::sqlx::query_scalar(
                    "SELECT a.occurred_at FROM audit_pending p \
                     JOIN audit_log a ON a.id = COALESCE(p.named_id, p.audit_id) \
                     ORDER BY p.id LIMIT 1",
                )
                .fetch_optional(&self.$readers)
                .await?;
                Ok(crate::Unsealed { count, oldest })
            }
        }
    };
}

pub(crate) use impl_gauges;

/// A code read back from a gauge's query, or why the row is unreadable.
pub(crate) fn parsed<T>(code: Option<T>, what: &str) -> crate::Result<T> {
    code.ok_or_else(|| crate::Error::Corrupt(format!("unreadable {what}")))
}
