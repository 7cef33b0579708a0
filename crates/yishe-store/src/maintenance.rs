//! Maintenance: sealing every record again under the current key after a rotation,
//! counting records per key, and retention. The loops are written once, here; each
//! repository whose rows hold sealed values gives its hooks (`Sealed`) and is listed in
//! `SEALED`, so a new sealed table is registered in one place.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::ReferralId;

use crate::{Crypto, Result, Transactions, Tx};

/// A repository whose rows hold sealed values: how to seal them again under the current
/// key, and what retention removes from them.
#[async_trait]
pub(crate) trait Sealed: Sync {
    /// Its tables with sealed values, each with a `key_id` column (the key census).
    fn tables(&self) -> &'static [&'static str];

    /// Seals up to `limit` rows not under the current key again; how many it did.
    async fn reseal(&self, tx: &mut dyn Tx, limit: u32) -> Result<usize>;

    /// Removes, or anonymises, what it holds of a referral whose retention ended at
    /// `now`.
    async fn forget(&self, tx: &mut dyn Tx, referral: ReferralId, now: DateTime<Utc>)
    -> Result<()>;
}

/// Every repository with sealed values, in the order rotation and retention visit them.
pub(crate) const SEALED: &[&dyn Sealed] = &[
    &crate::referrals::SealedReferrals,
    &crate::assessments::SealedAssessments,
    &crate::service_plans::SealedPlans,
    &crate::followups::SealedFollowUps,
];

/// The key service's and the retention job's role.
#[async_trait]
pub trait Maintenance: Transactions {
    /// The keys this database's values are sealed with.
    fn crypto(&self) -> &Arc<Crypto>;

    /// How many rows of `table` each key seals (`None`: written before encryption).
    async fn rows_by_key(&self, table: &str) -> Result<Vec<(Option<String>, i64)>>;

    /// Seals up to `limit` records that are not under the current key again with it;
    /// returns how many (0 when all are current). A record that changes meanwhile is
    /// picked up by a later call.
    async fn reencrypt_records(&self, limit: u32) -> Result<usize> {
        let mut tx = self.begin().await?;
        let mut done = 0;
        for sealed in SEALED {
            let left = limit.saturating_sub(done as u32);
            if left == 0 {
                break;
            }
            done += sealed.reseal(&mut *tx, left).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// How many records each key seals, over every sealed table.
    async fn encryption_status(&self) -> Result<Vec<(Option<String>, i64)>> {
        let mut counts = BTreeMap::new();
        for table in SEALED.iter().flat_map(|sealed| sealed.tables()) {
            for (key, n) in self.rows_by_key(table).await? {
                *counts.entry(key).or_insert(0) += n;
            }
        }
        Ok(counts.into_iter().collect())
    }

    /// Forgets up to `limit` referrals closed before `closed_before` (in a final
    /// status): patient details, consent and notes removed, assessments and risk flags
    /// deleted, each marked purged at `now`. Returns them.
    async fn purge_closed_referrals(
        &self,
        closed_before: DateTime<Utc>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReferralId>> {
        let mut tx = self.begin().await?;
        let expired = tx.expired_referrals(closed_before, limit).await?;
        for id in &expired {
            for sealed in SEALED {
                sealed.forget(&mut *tx, *id, now).await?;
            }
        }
        tx.commit().await?;
        Ok(expired)
    }
}

/// Forgets what `referral` holds about its patient now, in `tx`, as retention does at
/// its end: for a patient's erasure request.
pub async fn forget_referral(
    tx: &mut dyn Tx,
    referral: ReferralId,
    now: DateTime<Utc>,
) -> Result<()> {
    for sealed in SEALED {
        sealed.forget(tx, referral, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::SEALED;

    /// A table whose rows name the key that seals them is a sealed table, and rotation,
    /// the key census and retention reach it only if `SEALED` lists it.
    #[tokio::test]
    async fn every_table_with_sealed_values_is_registered() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/yishe.db", dir.path().display());
        let db = crate::SqliteDatabase::connect(&url, crate::Crypto::ephemeral())
            .await
            .unwrap();
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let mut with_key_id: Vec<String> = sqlx::query_scalar(
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'key_id' ORDER BY m.name",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        with_key_id.sort();
        let mut registered: Vec<String> = SEALED
            .iter()
            .flat_map(|sealed| sealed.tables())
            .map(|t| t.to_string())
            .collect();
        registered.sort();
        assert_eq!(with_key_id, registered);
        crate::Database::close(&db).await;
    }
}
