//! Concurrent write transactions: on SQLite they share COMMITs (group commit), on
//! PostgreSQL each commits alone; on both, every committed write is there afterwards
//! and a transaction that fails or is abandoned takes nothing else with it.

use std::time::Duration;

use yishe_domain::ReferralId;
use yishe_store::{Commits, Engine, Store};
use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

/// Whether the referral is there, read by a store opened afresh on the same database
/// (so from the file or the server, not from anything this store holds).
async fn stored(db: &TestDatabase, store: &Store, id: ReferralId) -> bool {
    let fresh = beside(db, store).await;
    let mut tx = fresh.begin().await.unwrap();
    let found = tx.get_referral(id).await.unwrap().is_some();
    drop(tx);
    fresh.close().await;
    found
}

/// Another store on the same database and keyring, as a second process would open.
async fn beside(db: &TestDatabase, store: &Store) -> Store {
    yishe_store::connect(&db.url, store.crypto().clone())
        .await
        .unwrap()
}

fn since(before: Commits, store: &Store) -> Commits {
    let now = store.commits();
    Commits {
        transactions: now.transactions - before.transactions,
        commits: now.commits - before.commits,
    }
}

async fn concurrent_writes_are_each_committed(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let before = store.commits();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let (store, r) = (store.clone(), referral(&d, &format!("m{i}")));
        tasks.push(tokio::spawn(async move {
            insert(&store, &r).await;
            r.id
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    let counted = since(before, &store);
    assert_eq!(counted.transactions, 32);
    match store.engine() {
        // 32 callers at once: they queue for the writer while a COMMIT is on the disk
        // and share the next one.
        Engine::Sqlite => assert!(
            counted.commits < counted.transactions,
            "no commit was shared: {counted:?}"
        ),
        Engine::Postgres => assert_eq!(counted.commits, counted.transactions),
    }
    for id in ids {
        assert!(
            stored(&db, &store, id).await,
            "an acknowledged write is missing"
        );
    }
}

async fn a_failing_transaction_in_a_batch_fails_alone(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    // Holds the writer so that the three below queue and run in one batch behind it.
    let mut first = store.begin().await.unwrap();
    let held = referral(&d, "held");
    first.insert_referral(&held, "fp").await.unwrap();

    let (ok1, failing, ok2) = (referral(&d, "a"), referral(&d, "b"), referral(&d, "c"));
    let spawn_ok = |r: yishe_domain::referral::Referral| {
        let store = store.clone();
        tokio::spawn(async move { insert(&store, &r).await })
    };
    let a = spawn_ok(ok1.clone());
    let b = {
        let (store, r, d) = (store.clone(), failing.clone(), d.clone());
        tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            tx.insert_referral(&r, "fp").await.unwrap();
            // A department that already exists: the request fails after writing.
            let error = tx.insert_department(&d).await.unwrap_err();
            assert!(matches!(error, yishe_store::Error::AlreadyExists(_)));
            // Dropped without committing, as a failing use case does.
        })
    };
    let c = spawn_ok(ok2.clone());
    tokio::time::sleep(Duration::from_millis(200)).await;
    first.commit().await.unwrap();
    for task in [a, b, c] {
        task.await.unwrap();
    }

    assert!(stored(&db, &store, held.id).await);
    assert!(stored(&db, &store, ok1.id).await);
    assert!(stored(&db, &store, ok2.id).await);
    assert!(
        !stored(&db, &store, failing.id).await,
        "a failed transaction's writes were committed with its batch"
    );
}

async fn an_abandoned_transaction_frees_the_writer(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let mut tx = store.begin().await.unwrap();
    tx.insert_referral(&referral(&d, "gone"), "fp")
        .await
        .unwrap();
    drop(tx);
    // Another process sharing the database (a second store here) can write at once:
    // the abandoned transaction does not keep the write lock.
    let other = beside(&db, &store).await;
    let r = referral(&d, "after");
    tokio::time::timeout(Duration::from_secs(3), insert(&other, &r))
        .await
        .expect("the writer was left locked by an abandoned transaction");
    // And this store writes on.
    insert(&store, &referral(&d, "again")).await;
    assert!(stored(&db, &store, r.id).await);
}

on_both_engines!(
    concurrent_writes_are_each_committed,
    a_failing_transaction_in_a_batch_fails_alone,
    an_abandoned_transaction_frees_the_writer,
);
