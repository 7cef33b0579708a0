//! `StationRepo` in SQL.

/// A station's columns with its load counted: capacity and workers from the active
/// social workers, cases from the referrals (the `(station_id, status, id)` index).
pub(crate) static SELECT_STATION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT s.id, s.display_name, s.referral_reasons, s.created_at, s.updated_at, s.version, \
         (SELECT COALESCE(SUM(w.caseload_limit), 0) FROM social_workers w \
            WHERE w.station_id = s.id AND w.active) AS caseload_capacity, \
         (SELECT COUNT(*) FROM social_workers w \
            WHERE w.station_id = s.id AND w.active) AS active_workers, \
         (SELECT COUNT(*) FROM referrals r \
            WHERE r.station_id = s.id AND r.status IN ({})) AS open_cases, \
         (SELECT COUNT(*) FROM referrals r \
            WHERE r.station_id = s.id AND r.status = 'REQUESTED') AS waiting_referrals \
         FROM stations s",
        crate::sql::statuses(|s| s.is_open_case())
    )
});

macro_rules! impl_station_repo {
    ($tx:ident) => {
        #[::async_trait::async_trait]
        impl crate::StationRepo for $tx {
            async fn register_station(
                &mut self,
                s: &::yishe_domain::directory::Station,
            ) -> crate::Result<bool> {
                let done = ::sqlx::query(
                    "INSERT INTO stations (id, display_name, referral_reasons, created_at, \
                     updated_at, version) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(s.id.as_str())
                .bind(&s.display_name)
                .bind(crate::rows::reasons_json(&s.reasons))
                .bind(s.created_at)
                .bind(s.updated_at)
                .bind(s.version)
                .execute(&mut *self.tx)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn station_registered(
                &mut self,
                id: &::yishe_domain::StationId,
            ) -> crate::Result<bool> {
                let found: Option<i32> = ::sqlx::query_scalar("SELECT 1 FROM stations WHERE id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(found.is_some())
            }

            async fn get_station(
                &mut self,
                id: &::yishe_domain::StationId,
            ) -> crate::Result<Option<::yishe_domain::directory::Station>> {
                let sql = format!("{} WHERE s.id = $1", crate::sql::SELECT_STATION.as_str());
                let row: Option<crate::rows::StationRow> = ::sqlx::query_as(&sql)
                    .bind(id.as_str())
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_stations(
                &mut self,
            ) -> crate::Result<Vec<::yishe_domain::directory::Station>> {
                let rows: Vec<crate::rows::StationRow> =
                    ::sqlx::query_as(crate::sql::SELECT_STATION.as_str())
                        .fetch_all(&mut *self.tx)
                        .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn save_station(
                &mut self,
                s: &mut ::yishe_domain::directory::Station,
            ) -> crate::Result<()> {
                s.version += 1;
                let done = ::sqlx::query(
                    "UPDATE stations SET display_name = $1, referral_reasons = $2, \
                     updated_at = $3, version = $4 WHERE id = $5 AND version = $6",
                )
                .bind(&s.display_name)
                .bind(crate::rows::reasons_json(&s.reasons))
                .bind(s.updated_at)
                .bind(s.version)
                .bind(s.id.as_str())
                .bind(s.version - 1)
                .execute(&mut *self.tx)
                .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    s.version -= 1;
                    Err(crate::Error::Stale)
                }
            }

            async fn directory_request(
                &mut self,
                station: &::yishe_domain::StationId,
                request_id: &str,
            ) -> crate::Result<Option<crate::DirectoryRequest>> {
                let row: Option<crate::rows::DirectoryRequestRow> = ::sqlx::query_as(
                    "SELECT station_id, request_id, resource_kind, resource_id, fingerprint, \
                     created_at FROM directory_requests WHERE station_id = $1 AND request_id = $2",
                )
                .bind(station.as_str())
                .bind(request_id)
                .fetch_optional(&mut *self.tx)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn record_directory_request(
                &mut self,
                r: &crate::DirectoryRequest,
            ) -> crate::Result<()> {
                ::sqlx::query(
                    "INSERT INTO directory_requests (station_id, request_id, resource_kind, \
                     resource_id, fingerprint, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(r.station.as_str())
                .bind(&r.request_id)
                .bind(&r.kind)
                .bind(r.resource_id)
                .bind(&r.fingerprint)
                .bind(r.created_at)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| crate::Error::from_sqlx(e, "a create with this request id"))?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_station_repo;
