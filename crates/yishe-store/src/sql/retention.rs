//! Retention: closed referrals past their retention period are anonymised: the patient
//! details, consent and notes are removed, and its assessments and risk flags deleted;
//! what the statistics need stays.

macro_rules! impl_retention {
    ($db:ty) => {
        async fn purge_closed_referrals_on(
            pool: &::sqlx::Pool<$db>,
            crypto: &crate::Crypto,
            closed_before: ::chrono::DateTime<::chrono::Utc>,
            now: ::chrono::DateTime<::chrono::Utc>,
            limit: u32,
        ) -> crate::Result<Vec<::yishe_domain::ReferralId>> {
            let mut tx = pool.begin().await?;
            let sql = format!(
                "{} WHERE r.purged_at IS NULL AND r.updated_at < $1 AND r.status IN \
                 ('COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED', 'ENTERED_IN_ERROR') ORDER BY r.id LIMIT $2",
                crate::sql::SELECT_REFERRAL
            );
            let rows: Vec<crate::rows::ReferralRow> = ::sqlx::query_as(&sql)
                .bind(closed_before)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
            let mut purged = Vec::with_capacity(rows.len());
            for row in rows {
                let mut referral = row.into_referral(crypto)?;
                referral.patient = ::yishe_domain::referral::Patient {
                    his_patient_id: String::new(),
                    encounter_id: String::new(),
                    name: String::new(),
                    sex: ::yishe_domain::referral::Sex::Unspecified,
                    birth_date: None,
                    phone: String::new(),
                    ward: String::new(),
                    bed: String::new(),
                    clinical_summary: String::new(),
                };
                referral.consent.given_by.clear();
                referral.consent.justification.clear();
                referral.note.clear();
                referral.status_reason.note.clear();
                let sealed = crate::rows::SealedReferral::of(&referral, crypto);
                ::sqlx::query(
                    "UPDATE referrals SET patient = $1, consent = $2, note = $3, status_note = $4, \
                     patient_lookup = NULL, key_id = $5, purged_at = $6 WHERE id = $7",
                )
                .bind(&sealed.patient)
                .bind(&sealed.consent)
                .bind(&sealed.note)
                .bind(&sealed.status_note)
                .bind(&sealed.key_id)
                .bind(now)
                .bind(referral.id.as_uuid())
                .execute(&mut *tx)
                .await?;
                // Assessments are clinical content through and through: they go.
                for sql in [
                    "DELETE FROM risk_flags WHERE referral_id = $1",
                    "DELETE FROM assessment_versions WHERE assessment_id IN \
                     (SELECT id FROM assessments WHERE referral_id = $1)",
                    "DELETE FROM assessments WHERE referral_id = $1",
                ] {
                    ::sqlx::query(sql)
                        .bind(referral.id.as_uuid())
                        .execute(&mut *tx)
                        .await?;
                }
                purged.push(referral.id);
            }
            tx.commit().await?;
            Ok(purged)
        }
    };
}

pub(crate) use impl_retention;
