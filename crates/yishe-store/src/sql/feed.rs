//! The relay and the feed reader, shared by both engines' `Database`.

macro_rules! impl_feed {
    ($db:ty, relay_lock = $relay_lock:literal) => {
        /// Moves committed outbox rows into the feed under the relay lock. Rows that
        /// commit late (lower ids, later commits) are simply picked up by a later run
        /// and get later sequences: the feed order is the order rows became visible.
        async fn relay_events_on(pool: &::sqlx::Pool<$db>, limit: u32) -> crate::Result<usize> {
            let mut tx = pool.begin().await?;
            let leader: bool = ::sqlx::query_scalar($relay_lock).fetch_one(&mut *tx).await?;
            if !leader {
                return Ok(0);
            }
            let pending: Vec<(i64, ::uuid::Uuid, String)> = ::sqlx::query_as(
                "SELECT id, event_id, payload FROM referral_outbox ORDER BY id LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
            if pending.is_empty() {
                return Ok(0);
            }
            let head: i64 = ::sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM referral_feed")
                .fetch_one(&mut *tx)
                .await?;
            for (offset, (outbox_id, event_id, payload)) in pending.iter().enumerate() {
                ::sqlx::query("INSERT INTO referral_feed (sequence, event_id, payload) VALUES ($1, $2, $3)")
                    .bind(head + 1 + offset as i64)
                    .bind(event_id)
                    .bind(payload)
                    .execute(&mut *tx)
                    .await?;
                ::sqlx::query("DELETE FROM referral_outbox WHERE id = $1")
                    .bind(outbox_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(pending.len())
        }

        async fn feed_after_on(
            pool: &::sqlx::Pool<$db>,
            after: u64,
            limit: u32,
        ) -> crate::Result<Vec<::yishe_domain::referral::ReferralEvent>> {
            let after = i64::try_from(after).unwrap_or(i64::MAX);
            let rows: Vec<crate::rows::FeedRow> = ::sqlx::query_as(
                "SELECT sequence, payload FROM referral_feed WHERE sequence > $1 ORDER BY sequence LIMIT $2",
            )
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(TryInto::try_into).collect()
        }

        async fn find_api_key_on(
            pool: &::sqlx::Pool<$db>,
            secret_hash: &str,
        ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
            let sql = format!("{} WHERE secret_hash = $1", crate::sql::SELECT_API_KEY);
            let row: Option<crate::rows::ApiKeyRow> = ::sqlx::query_as(&sql)
                .bind(secret_hash)
                .fetch_optional(pool)
                .await?;
            row.map(TryInto::try_into).transpose()
        }

        async fn find_api_key_by_certificate_on(
            pool: &::sqlx::Pool<$db>,
            names: &[String],
        ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
            let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::sql::SELECT_API_KEY);
            q.push(" WHERE certificate_subject IN (");
            let mut list = q.separated(", ");
            for name in names {
                list.push_bind(name.clone());
            }
            q.push(") ORDER BY id LIMIT 1");
            let row: Option<crate::rows::ApiKeyRow> = q.build_query_as().fetch_optional(pool).await?;
            row.map(TryInto::try_into).transpose()
        }

        async fn open_referrals_by_status_on(
            pool: &::sqlx::Pool<$db>,
        ) -> crate::Result<Vec<(::yishe_domain::referral::Status, i64)>> {
            let rows: Vec<(String, i64)> = ::sqlx::query_as(
                "SELECT status, COUNT(*) FROM referrals \
                 WHERE status IN ('REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ON_HOLD') GROUP BY status",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(status, n)| {
                    ::yishe_domain::referral::Status::parse(&status)
                        .map(|s| (s, n))
                        .ok_or_else(|| crate::Error::Corrupt("unreadable status".into()))
                })
                .collect()
        }
    };
}

pub(crate) use impl_feed;
