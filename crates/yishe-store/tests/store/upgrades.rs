//! Rolling upgrades: a process of the release before starts (a pod rescheduled mid-
//! rollout, a rollback) on a database a newer release already migrated. The newer
//! release's migrations only add what the older one ignores, so the older one runs.

use yishe_testkit::{Engine, TestDatabase, on_both_engines};

use crate::fixtures::*;

/// What a later release's migrator leaves in sqlx's table for a migration of its own.
const LATER_MIGRATION: &str = "INSERT INTO _sqlx_migrations \
    (version, description, success, checksum, execution_time) \
    VALUES (99990001, 'a later release', TRUE, $1, 0)";

async fn an_older_release_starts_on_a_newer_schema(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    store.close().await;
    let checksum = vec![7u8; 48];
    match db.engine {
        Engine::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query(LATER_MIGRATION)
                .bind(&checksum)
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Engine::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(LATER_MIGRATION)
                .bind(&checksum)
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
    let store = open(&db).await;
    insert(&store, &referral(&d, "after-the-upgrade")).await;
    assert_eq!(store.relay_events(100).await.unwrap(), 1);
}

on_both_engines!(an_older_release_starts_on_a_newer_schema);
