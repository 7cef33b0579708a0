//! `QueryPlans` in SQL: the list's own statement behind the engine's EXPLAIN.

macro_rules! impl_query_plans {
    ($name:ident, $db:ty, readers = $readers:ident, explain = $explain:literal,
     price_out = [$($setting:literal),*], scans_out = [$($scans:literal),*],
     plan_column = $column:literal) => {
        #[::async_trait::async_trait]
        impl crate::QueryPlans for $name {
            async fn explain_referral_list(
                &self,
                scope: &::yishe_domain::referral::ListScope,
                filter: &::yishe_domain::referral::ListFilter,
                order: ::yishe_domain::referral::ListOrder,
            ) -> crate::Result<Vec<String>> {
                let page = ::yishe_domain::PageRequest { after: None, limit: 50 };
                let mut q = referral_list_query(
                    $explain,
                    &self.crypto,
                    scope,
                    filter,
                    page,
                    order,
                );
                // Settings last only as long as this transaction, which writes nothing.
                let mut tx = self.$readers.begin().await?;
                $(::sqlx::query($setting).execute(&mut *tx).await?;)*
                let rows = q.build().fetch_all(&mut *tx).await?;
                rows.iter()
                    .map(|row| Ok(::sqlx::Row::try_get::<String, _>(row, $column)?))
                    .collect()
            }

            async fn explain_audit_search(&self) -> crate::Result<Vec<String>> {
                let sql = format!("{}{}", $explain, audit_search(true, true));
                // Sorting the rows found is expected here, so only scans are priced
                // out.
                let mut tx = self.$readers.begin().await?;
                $(::sqlx::query($scans).execute(&mut *tx).await?;)*
                let rows = ::sqlx::query(&sql)
                    .bind("referral")
                    .bind("a-record")
                    .bind(None::<::uuid::Uuid>)
                    .bind(50_i64)
                    .bind(None::<&str>)
                    .fetch_all(&mut *tx)
                    .await?;
                rows.iter()
                    .map(|row| Ok(::sqlx::Row::try_get::<String, _>(row, $column)?))
                    .collect()
            }

            async fn explain_report(
                &self,
                station: &::yishe_domain::StationId,
                request: &::yishe_domain::report::ReportRequest,
            ) -> crate::Result<Vec<(&'static str, Vec<String>)>> {
                use crate::sql::reports::*;
                let mut tx = self.$readers.begin().await?;
                $(::sqlx::query($setting).execute(&mut *tx).await?;)*
                let mut plans = Vec::new();
                for (name, sql) in [
                    ("received", RECEIVED),
                    ("rejections", REJECTIONS),
                    ("waits", WAITS),
                    ("closures", CLOSURES),
                    ("follow_ups", FOLLOW_UPS),
                    ("tasks", TASKS),
                ] {
                    let sql = format!(
                        "{} {}",
                        $explain,
                        with_department(sql, request.department.is_some())
                    );
                    let mut q = ::sqlx::query(&sql)
                        .bind(station.as_str())
                        .bind(request.period.from)
                        .bind(request.period.to);
                    if let Some(department) = request.department {
                        q = q.bind(department.as_uuid());
                    }
                    let rows = q.fetch_all(&mut *tx).await?;
                    let lines = rows
                        .iter()
                        .map(|row| Ok(::sqlx::Row::try_get::<String, _>(row, $column)?))
                        .collect::<crate::Result<Vec<String>>>()?;
                    plans.push((name, lines));
                }
                Ok(plans)
            }
        }
    };
}

pub(crate) use impl_query_plans;
