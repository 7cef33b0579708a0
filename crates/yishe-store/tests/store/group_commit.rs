//! Concurrent write transactions: on SQLite they share COMMITs (group commit), on
//! PostgreSQL each commits alone but for creates, which share batches; on both, every
//! committed write is there afterwards and a transaction that fails or is abandoned
//! takes nothing else with it.

use std::time::Duration;

use yishe_domain::ReferralId;
use yishe_domain::referral::Referral;
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

/// Runs every create of `creates` at once, each in a write of its own that commits by
/// itself, as the service's creates do; what each answered. Each payload's fingerprint
/// is "fp", but for the ids in `other_payload`.
async fn create_together(
    store: &Store,
    creates: &[Referral],
    other_payload: &[ReferralId],
) -> Vec<yishe_store::Result<yishe_store::CreateOutcome>> {
    use yishe_domain::referral::{EventType, ReferralEvent};
    use yishe_store::CreateOutcome;

    let start = std::sync::Arc::new(tokio::sync::Barrier::new(creates.len()));
    let mut tasks = Vec::new();
    for r in creates.iter().cloned() {
        let (store, start) = (store.clone(), start.clone());
        let fingerprint = if other_payload.contains(&r.id) {
            "other-fp"
        } else {
            "fp"
        };
        tasks.push(tokio::spawn(async move {
            let event = ReferralEvent::of(EventType::Created, &r, r.created_at);
            let audit = audit(&r, "referral.create");
            start.wait().await;
            let mut tx = store.begin_one_write().await.unwrap();
            let created = tx.create_referral(&r, fingerprint, &event, &audit).await;
            // As the service does: a reused request id's write is not committed.
            if matches!(
                created,
                Ok(CreateOutcome::Created | CreateOutcome::Replayed(_))
            ) {
                tx.commit().await.unwrap();
            }
            created
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

/// On PostgreSQL, opens the sixteen write connections beforehand (each kept once its
/// empty write commits), so that the creates of a wave arrive together rather than each
/// behind a connection being opened. SQLite's one writer is open already.
async fn warm_write_connections(store: &Store) {
    if store.engine() != Engine::Postgres {
        return;
    }
    let all_open = std::sync::Arc::new(tokio::sync::Barrier::new(16));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (store, all_open) = (store.clone(), all_open.clone());
        tasks.push(tokio::spawn(async move {
            let tx = store.begin_one_write().await.unwrap();
            all_open.wait().await;
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// Creates that commit by themselves, arriving together: on PostgreSQL they share
/// statements and COMMITs (batches), on SQLite the writer's batches. Either way each new
/// one is there with its one event and its audit row, a resend of one replays it (of
/// one made in the same wave, or before), a request id reused for another payload is
/// refused, and one whose order number an open referral holds fails alone, with the
/// error it gets by itself.
async fn concurrent_creates_commit_together_and_fail_alone(db: TestDatabase) {
    use yishe_store::{CreateOutcome, Error};

    let store = open(&db).await;
    let d = department(&store, "onc").await;
    warm_write_connections(&store).await;
    let mut holder = referral(&d, "holder");
    holder.placer_order_id = Some("ORD-1".into());
    insert(&store, &holder).await;

    // 24 new requests and c0 sent again.
    let mut first_wave: Vec<_> = (0..24).map(|i| referral(&d, &format!("c{i}"))).collect();
    let mut resend = first_wave[0].clone();
    resend.id = ReferralId::new();
    first_wave.push(resend);
    let before = store.commits();
    let outcomes = create_together(&store, &first_wave, &[]).await;
    let counted = since(before, &store);
    assert_eq!(counted.transactions, 25);
    assert!(
        counted.commits < counted.transactions,
        "no COMMIT was shared: {counted:?}"
    );
    let mut created = Vec::new();
    let mut replayed = Vec::new();
    for (r, outcome) in first_wave.iter().zip(outcomes) {
        match outcome {
            Ok(CreateOutcome::Created) => created.push(r.id),
            Ok(CreateOutcome::Replayed(existing)) => replayed.push(existing.id),
            other => panic!("{}: {other:?}", r.request_id),
        }
    }
    assert_eq!(created.len(), 24, "every new request, and one of c0's two");
    assert_eq!(replayed.len(), 1);
    assert!(
        created.contains(&replayed[0]),
        "the replay answers the referral the other made"
    );

    // Eight new requests with one naming the taken order number among them.
    let mut second_wave: Vec<_> = (0..8).map(|i| referral(&d, &format!("d{i}"))).collect();
    let mut taken = referral(&d, "taken-order");
    taken.placer_order_id = Some("ORD-1".into());
    second_wave.insert(3, taken.clone());
    let outcomes = create_together(&store, &second_wave, &[]).await;
    for (r, outcome) in second_wave.iter().zip(outcomes) {
        match outcome {
            Ok(CreateOutcome::Created) if r.id != taken.id => created.push(r.id),
            Err(Error::AlreadyExists(_)) if r.id == taken.id => {}
            other => panic!("{}: {other:?}", r.request_id),
        }
    }

    // Five resends of c1 (made before), c2's request id for another payload, and four
    // new requests.
    let resent = |first: &Referral| Referral {
        id: ReferralId::new(),
        ..first.clone()
    };
    let (c1, c2) = (&first_wave[1], &first_wave[2]);
    let mut third_wave: Vec<_> = (0..5).map(|_| resent(c1)).collect();
    let reuse = resent(c2);
    third_wave.push(reuse.clone());
    third_wave.extend((0..4).map(|i| referral(&d, &format!("e{i}"))));
    let before = store.commits();
    let outcomes = create_together(&store, &third_wave, &[reuse.id]).await;
    let counted = since(before, &store);
    assert_eq!(counted.transactions, 9, "the reuse wrote nothing");
    assert!(
        counted.commits < counted.transactions,
        "no COMMIT was shared: {counted:?}"
    );
    for (r, outcome) in third_wave.iter().zip(outcomes) {
        match outcome {
            Ok(CreateOutcome::Replayed(first)) if r.request_id == c1.request_id => {
                assert_eq!(first.id, c1.id);
                assert_eq!(first.patient, c1.patient, "read back and opened");
            }
            Ok(CreateOutcome::RequestIdReused(first)) if r.id == reuse.id => {
                assert_eq!(first.id, c2.id)
            }
            Ok(CreateOutcome::Created) if r.request_id.starts_with('e') => created.push(r.id),
            other => panic!("{}: {other:?}", r.request_id),
        }
    }

    // From the database, through a store that holds nothing of this one's.
    assert!(!stored(&db, &store, taken.id).await);
    let fresh = beside(&db, &store).await;
    let mut tx = fresh.begin().await.unwrap();
    for id in &created {
        assert!(tx.get_referral(*id).await.unwrap().is_some());
        let mut actions: Vec<String> = tx
            .audit_of("referral", &id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.action)
            .collect();
        // In the order of their ids, which the callers made before either wrote.
        actions.sort();
        let replays = if *id == replayed[0] {
            1
        } else if *id == c1.id {
            5
        } else {
            0
        };
        let mut expected = vec!["referral.create".to_owned()];
        expected.extend(std::iter::repeat_n(
            "referral.create.replay".to_owned(),
            replays,
        ));
        assert_eq!(actions, expected, "the audit rows of {id}");
    }
    drop(tx);
    let mut expected = created.clone();
    expected.push(holder.id);
    let mut moved = 0;
    while moved < expected.len() {
        let now = fresh.relay_events(100).await.unwrap();
        assert!(now > 0, "{moved} events moved, then none");
        moved += now;
    }
    let feed = fresh.feed_after(0, 100).await.unwrap();
    let mut referrals: Vec<_> = feed.iter().map(|e| e.referral).collect();
    referrals.sort();
    expected.sort();
    assert_eq!(
        referrals, expected,
        "one event each, and none for the others"
    );
    fresh.close().await;
}

/// A batch may commit and lose its answer (the connection drops after the COMMIT); each
/// of its creates then runs alone. One the batch inserted finds its own referral and is
/// answered as created, with no replay audited; on PostgreSQL, a resend the batch
/// already audited is answered as a replay without a second replay row.
async fn a_create_run_again_after_a_lost_answer_is_not_a_replay(db: TestDatabase) {
    use yishe_domain::referral::{EventType, ReferralEvent};
    use yishe_store::CreateOutcome;

    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "lost-answer");
    let event = ReferralEvent::of(EventType::Created, &r, r.created_at);
    let audit = audit(&r, "referral.create");
    let mut tx = store.begin().await.unwrap();
    let first = tx.create_referral(&r, "fp", &event, &audit).await.unwrap();
    assert!(matches!(first, CreateOutcome::Created));
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let again = tx.create_referral(&r, "fp", &event, &audit).await.unwrap();
    assert!(
        matches!(again, CreateOutcome::Created),
        "its own referral: {again:?}"
    );
    tx.commit().await.unwrap();

    let replays_of = |rows: Vec<yishe_store::AuditEntry>| {
        rows.iter()
            .filter(|row| row.action == "referral.create.replay")
            .count()
    };
    if store.engine() == Engine::Postgres {
        // A resend whose replay row a batch wrote (under the resend's own audit id).
        let mut resend = r.clone();
        resend.id = ReferralId::new();
        let resend_audit = audit_of_resend(&resend, r.id);
        let mut tx = store.begin().await.unwrap();
        tx.append_audit(&resend_audit).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let replayed = tx
            .create_referral(&resend, "fp", &event, &resend_audit)
            .await
            .unwrap();
        match replayed {
            CreateOutcome::Replayed(first) => assert_eq!(first.id, r.id),
            other => panic!("a resend: {other:?}"),
        }
        tx.commit().await.unwrap();
    }

    let mut tx = store.begin().await.unwrap();
    let rows = tx.audit_of("referral", &r.id.to_string()).await.unwrap();
    let expected = usize::from(store.engine() == Engine::Postgres);
    assert_eq!(replays_of(rows), expected, "replay rows of {}", r.id);
}

/// The replay row a batch writes for `resend` of `first`: the resend's audit id.
fn audit_of_resend(resend: &Referral, first: ReferralId) -> yishe_store::AuditEntry {
    yishe_store::AuditEntry {
        action: "referral.create.replay".into(),
        resource_id: first.to_string(),
        ..audit(resend, "referral.create")
    }
}

on_both_engines!(
    a_create_run_again_after_a_lost_answer_is_not_a_replay,
    concurrent_creates_commit_together_and_fail_alone,
    concurrent_writes_are_each_committed,
    a_failing_transaction_in_a_batch_fails_alone,
    an_abandoned_transaction_frees_the_writer,
);
