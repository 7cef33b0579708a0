//! Re-encryption under the current key (after a rotation, and for rows written before
//! encryption existed): referrals, then assessment versions, then risk flags.

macro_rules! impl_rekey {
    ($db:ty) => {
        /// Seals up to `limit` referrals not under the current key again with it. Only
        /// the sensitive columns change: the version stays, since nothing the caller
        /// sees changed; a row that changes meanwhile is simply picked up next time.
        async fn reencrypt_records_on(
            pool: &::sqlx::Pool<$db>,
            crypto: &crate::Crypto,
            limit: u32,
        ) -> crate::Result<usize> {
            let mut done = reencrypt_referrals_on(pool, crypto, limit).await?;
            if done < limit as usize {
                done += reencrypt_assessments_on(pool, crypto, limit - done as u32).await?;
            }
            if done < limit as usize {
                done += reencrypt_risk_flags_on(pool, crypto, limit - done as u32).await?;
            }
            Ok(done)
        }

        /// Assessment versions never change otherwise, so a row still under its old
        /// key is the row that was read.
        async fn reencrypt_assessments_on(
            pool: &::sqlx::Pool<$db>,
            crypto: &crate::Crypto,
            limit: u32,
        ) -> crate::Result<usize> {
            let current = crypto.current_key_id();
            let mut tx = pool.begin().await?;
            let sql = format!(
                "{} WHERE v.key_id <> $1 ORDER BY v.assessment_id, v.version LIMIT $2",
                crate::assessment_rows::SELECT_ASSESSMENT
            );
            let rows: Vec<crate::assessment_rows::AssessmentRow> = ::sqlx::query_as(&sql)
                .bind(&current)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            let mut done = 0;
            for row in rows {
                let assessment = row.into_assessment(crypto)?;
                let sealed = crate::assessment_rows::SealedVersion::of(&assessment, crypto);
                let changed = ::sqlx::query(
                    "UPDATE assessment_versions SET content = $1, amendment_reason = $2, key_id = $3                      WHERE assessment_id = $4 AND version = $5",
                )
                .bind(&sealed.content)
                .bind(&sealed.amendment_reason)
                .bind(&sealed.key_id)
                .bind(assessment.id.as_uuid())
                .bind(i64::from(assessment.version))
                .execute(&mut *tx)
                .await?;
                done += changed.rows_affected() as usize;
            }
            tx.commit().await?;
            Ok(done)
        }

        async fn reencrypt_risk_flags_on(
            pool: &::sqlx::Pool<$db>,
            crypto: &crate::Crypto,
            limit: u32,
        ) -> crate::Result<usize> {
            let current = crypto.current_key_id();
            let mut tx = pool.begin().await?;
            let sql = format!(
                "{} WHERE f.key_id <> $1 ORDER BY f.id LIMIT $2",
                crate::assessment_rows::SELECT_RISK_FLAG
            );
            let rows: Vec<crate::assessment_rows::RiskFlagRow> = ::sqlx::query_as(&sql)
                .bind(&current)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            let mut done = 0;
            for row in rows {
                let flag = row.into_flag(crypto)?;
                let changed = ::sqlx::query(
                    "UPDATE risk_flags SET note = $1, key_id = $2 WHERE id = $3 AND version = $4",
                )
                .bind(crate::assessment_rows::seal_flag_note(&flag, crypto))
                .bind(&current)
                .bind(flag.id.as_uuid())
                .bind(flag.version)
                .execute(&mut *tx)
                .await?;
                done += changed.rows_affected() as usize;
            }
            tx.commit().await?;
            Ok(done)
        }

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
                "SELECT key_id, COUNT(*) FROM (SELECT key_id FROM referrals \
                 UNION ALL SELECT key_id FROM assessment_versions \
                 UNION ALL SELECT key_id FROM risk_flags) sealed GROUP BY key_id ORDER BY key_id",
            )
            .fetch_all(pool)
            .await?)
        }
    };
}

pub(crate) use impl_rekey;
