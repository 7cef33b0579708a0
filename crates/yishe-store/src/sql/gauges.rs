//! `Gauges` in SQL, on the readers' pool.

macro_rules! impl_gauges {
    ($name:ident, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::Gauges for $name {
            fn commits(&self) -> crate::Commits {
                self.local.commits.read()
            }

            async fn open_referrals_by_status(
                &self,
            ) -> crate::Result<Vec<(::yishe_domain::referral::Status, i64)>> {
                let sql = format!(
                    "SELECT status, COUNT(*) FROM referrals WHERE status IN ({}) GROUP BY status",
                    crate::sql::statuses(|s| !s.is_terminal())
                );
                let rows: Vec<(String, i64)> =
                    ::sqlx::query_as(&sql).fetch_all(&self.$readers).await?;
                rows.into_iter()
                    .map(|(status, n)| {
                        ::yishe_domain::referral::Status::parse(&status)
                            .map(|s| (s, n))
                            .ok_or_else(|| crate::Error::Corrupt("unreadable status".into()))
                    })
                    .collect()
            }

            async fn open_risk_flags_by_kind(
                &self,
            ) -> crate::Result<Vec<(::yishe_domain::assessment::RiskKind, i64)>> {
                let rows: Vec<(String, i64)> = ::sqlx::query_as(
                    "SELECT kind, COUNT(*) FROM risk_flags WHERE acknowledged_at IS NULL \
                     GROUP BY kind ORDER BY kind",
                )
                .fetch_all(&self.$readers)
                .await?;
                rows.into_iter()
                    .map(|(kind, n)| {
                        ::yishe_domain::assessment::RiskKind::parse(&kind)
                            .map(|k| (k, n))
                            .ok_or_else(|| crate::Error::Corrupt("unreadable risk kind".into()))
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use impl_gauges;
