//! Re-encryption under the current key (after a rotation, and for rows written before
//! encryption existed), shared by both engines.

macro_rules! impl_rekey {
    ($db:ty) => {
        /// Seals up to `limit` referrals not under the current key again with it. Only
        /// the sensitive columns change: the version stays, since nothing the caller
        /// sees changed; a row that changes meanwhile is simply picked up next time.
        async fn reencrypt_referrals_on(
            pool: &::sqlx::Pool<$db>,
            crypto: &crate::Crypto,
            limit: u32,
        ) -> crate::Result<usize> {
            let current = crypto.current_key_id();
            let mut tx = pool.begin().await?;
            let sql = format!(
                "{} WHERE r.key_id IS NULL OR r.key_id <> $1 ORDER BY r.id LIMIT $2",
                crate::sql::SELECT_REFERRAL
            );
            let rows: Vec<crate::rows::ReferralRow> = ::sqlx::query_as(&sql)
                .bind(&current)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            let mut done = 0;
            for row in rows {
                let referral = row.into_referral(crypto)?;
                let sealed = crate::rows::SealedReferral::of(&referral, crypto);
                let changed = ::sqlx::query(
                    "UPDATE referrals SET patient = $1, consent = $2, note = $3, status_note = $4, \
                     patient_lookup = $5, key_id = $6 WHERE id = $7 AND version = $8",
                )
                .bind(&sealed.patient)
                .bind(&sealed.consent)
                .bind(&sealed.note)
                .bind(&sealed.status_note)
                .bind(&sealed.patient_lookup)
                .bind(&sealed.key_id)
                .bind(referral.id.as_uuid())
                .bind(referral.version)
                .execute(&mut *tx)
                .await?;
                done += changed.rows_affected() as usize;
            }
            tx.commit().await?;
            Ok(done)
        }

        async fn encryption_status_on(
            pool: &::sqlx::Pool<$db>,
        ) -> crate::Result<Vec<(Option<String>, i64)>> {
            Ok(::sqlx::query_as(
                "SELECT key_id, COUNT(*) FROM referrals GROUP BY key_id ORDER BY key_id",
            )
            .fetch_all(pool)
            .await?)
        }
    };
}

pub(crate) use impl_rekey;
