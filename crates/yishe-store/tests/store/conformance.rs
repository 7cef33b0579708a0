//! The store conformance suite: every test runs on SQLite and on PostgreSQL.

use chrono::Duration;
use yishe_domain::directory::ApiKey;
use yishe_domain::ids::ApiKeyId;
use yishe_domain::referral::{
    EventType, ListFilter, ListOrder, ListScope, Referral, ReferralEvent, Status,
};
use yishe_domain::{DepartmentId, HospitalId, PageRequest, ReferralId, Role, SocialWorkerId};
use yishe_store::{AuditEntry, ChainHash, CreateOutcome, Created, Error, Store};
use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

/// The first fifty referrals `scope` may see, as committed.
async fn first_page(store: &Store, scope: &ListScope) -> Vec<Referral> {
    store
        .list_committed_referrals(
            scope,
            &ListFilter::default(),
            PageRequest::first(50),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap()
        .items
}

async fn referral_round_trips(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    insert(&store, &r).await;
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get_referral(r.id).await.unwrap(), Some(r.clone()));
    assert_eq!(tx.get_referral(ReferralId::new()).await.unwrap(), None);
}

async fn a_replayed_request_returns_the_first_referral(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let first = referral(&d, "m1");
    insert(&store, &first).await;
    let mut second = referral(&d, "m1");
    second.note = "different".into();
    let mut tx = store.begin().await.unwrap();
    match tx.insert_referral(&second, "other-fp").await.unwrap() {
        Created::Existing(existing, fingerprint) => {
            assert_eq!(existing.id, first.id);
            assert_eq!(fingerprint, "fp");
        }
        Created::Inserted => panic!("a replay made a second referral"),
    }
    // Another key of the same hospital (after a rotation, or a second HIS node) finds
    // the first: request ids are the hospital's.
    let mut other_key = referral(&d, "m1");
    other_key.created_by = "key-2".into();
    match tx.insert_referral(&other_key, "fp").await.unwrap() {
        Created::Existing(existing, _) => assert_eq!(existing.id, first.id),
        Created::Inserted => panic!("a resend under another key made a second referral"),
    }
    // Another hospital may use the same request id.
    let mut other_hospital = referral(&d, "m1");
    other_hospital.created_by = "key-3".into();
    other_hospital.hospital = yishe_domain::HospitalId::parse("h-other").unwrap();
    assert!(matches!(
        tx.insert_referral(&other_hospital, "fp").await.unwrap(),
        Created::Inserted
    ));
}

/// Twenty resends racing (the first create not yet committed when the others run, so on
/// PostgreSQL some find it only after their statement's snapshot): one referral, one
/// event, and every resend audited as a replay of it.
async fn twenty_concurrent_replays_create_exactly_one(db: TestDatabase) {
    twenty_concurrent_replays(db, Begin::Transaction).await;
}

/// The same race on connections for one write, as the create service takes them (on
/// PostgreSQL each statement commits by itself, and a replay reads and audits in two).
async fn twenty_concurrent_replays_for_one_write_create_exactly_one(db: TestDatabase) {
    twenty_concurrent_replays(db, Begin::OneWrite).await;
}

#[derive(Clone, Copy)]
enum Begin {
    Transaction,
    OneWrite,
}

impl Begin {
    async fn on(self, store: &Store) -> Box<dyn yishe_store::Tx> {
        match self {
            Self::Transaction => store.begin().await.unwrap(),
            Self::OneWrite => store.begin_one_write().await.unwrap(),
        }
    }
}

async fn twenty_concurrent_replays(db: TestDatabase, begin: Begin) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        let start = start.clone();
        let r = referral(&d, "same-message");
        tasks.push(tokio::spawn(async move {
            let event = ReferralEvent::of(EventType::Created, &r, r.created_at);
            let audit = audit(&r, "referral.create");
            start.wait().await;
            let mut tx = begin.on(&store).await;
            let created = tx.create_referral(&r, "fp", &event, &audit).await.unwrap();
            tx.commit().await.unwrap();
            match created {
                CreateOutcome::Created => r.id,
                CreateOutcome::Replayed(existing) => existing.id,
                CreateOutcome::RequestIdReused(_) => panic!("the same payload was refused"),
            }
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "all replays see the same referral");
    let page = store
        .list_committed_referrals(
            &ListScope::Station(station()),
            &ListFilter::default(),
            PageRequest::first(100),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    // The commit that appended the one event woke the relay.
    assert!(
        tokio::time::timeout(
            std::time::Duration::from_millis(200),
            store.events_committed().notified()
        )
        .await
        .is_ok()
    );
    assert_eq!(store.relay_events(100).await.unwrap(), 1, "one event");
    let mut tx = store.begin().await.unwrap();
    let rows = tx.audit_of("referral", &ids[0].to_string()).await.unwrap();
    let replays = rows
        .iter()
        .filter(|row| row.action == "referral.create.replay")
        .count();
    assert_eq!(rows.len(), 20, "the create and nineteen replays");
    assert_eq!(replays, 19);
}

/// Saving a changed referral moves its version on and appends the events it caused;
/// the commit wakes the relay, and only a commit with events does.
async fn a_saved_change_appends_its_events_and_wakes_the_relay(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    insert(&store, &r).await;
    store.relay_events(100).await.unwrap();
    let woken = || {
        tokio::time::timeout(
            std::time::Duration::from_millis(200),
            store.events_committed().notified(),
        )
    };
    // `insert` committed a CREATED event: its wake-up is waiting.
    assert!(woken().await.is_ok());

    let mut accepted = r.clone();
    accepted.status = Status::Accepted;
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&mut accepted, &[EventType::Accepted, EventType::Assigned])
        .await
        .unwrap();
    assert_eq!(accepted.version, r.version + 1);
    tx.commit().await.unwrap();
    assert!(
        woken().await.is_ok(),
        "a commit with events wakes the relay"
    );
    assert_eq!(store.relay_events(100).await.unwrap(), 2);
    let feed = store.feed_after(0, 100).await.unwrap();
    let types: Vec<_> = feed.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [EventType::Created, EventType::Accepted, EventType::Assigned]
    );
    assert!(feed[1..].iter().all(|e| e.status == Status::Accepted));

    let mut tx = store.begin().await.unwrap();
    tx.append_audit(&audit(&r, "referral.get")).await.unwrap();
    tx.commit().await.unwrap();
    assert!(woken().await.is_err(), "a commit without events does not");
}

/// Each relay batch is announced: at once to the process that moved it, and on
/// PostgreSQL to every other process reading the same feed (LISTEN/NOTIFY), whose
/// readers then find the batch at the feed's head.
async fn relay_batches_are_announced_to_readers(db: TestDatabase) {
    let (here, elsewhere) = (open(&db).await, open(&db).await);
    let d = department(&here, "onc").await;
    let mut moved_here = here.feed_moved();
    let mut moved_elsewhere = elsewhere.feed_moved();
    assert_eq!(here.feed_head().await.unwrap(), 0);

    insert(&here, &referral(&d, "m0")).await;
    moved_here.borrow_and_update();
    assert_eq!(here.relay_events(100).await.unwrap(), 1);
    assert!(
        moved_here.has_changed().unwrap(),
        "this process hears at once"
    );
    assert_eq!(elsewhere.feed_head().await.unwrap(), 1);

    if db.engine != yishe_testkit::Engine::Postgres {
        return; // processes sharing a SQLite file are not told: their readers look
    }
    // The other process's listener connects in the background: batches announced
    // before it listens go unheard, so relay until one is heard.
    let heard = async {
        for i in 1.. {
            moved_elsewhere.borrow_and_update();
            insert(&here, &referral(&d, &format!("m{i}"))).await;
            here.relay_events(100).await.unwrap();
            let wait = std::time::Duration::from_millis(200);
            if tokio::time::timeout(wait, moved_elsewhere.changed())
                .await
                .is_ok()
            {
                return i + 1;
            }
        }
        unreachable!()
    };
    let head = tokio::time::timeout(std::time::Duration::from_secs(10), heard)
        .await
        .expect("another process hears a relay batch within 10 s");
    assert_eq!(elsewhere.feed_head().await.unwrap(), head);
}

async fn a_stale_update_is_refused(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    insert(&store, &r).await;

    let mut accepted = r.clone();
    accepted.status = Status::Accepted;
    let mut rejected = r.clone();
    rejected.status = Status::Rejected;

    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&mut accepted, &[]).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.save_referral(&mut rejected, &[]).await,
        Err(Error::Stale)
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.get_referral(r.id).await.unwrap().unwrap().status,
        Status::Accepted
    );
}

async fn a_rolled_back_change_leaves_nothing(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    {
        let mut tx = store.begin().await.unwrap();
        tx.insert_referral(&r, "fp").await.unwrap();
        tx.append_event(&ReferralEvent::of(EventType::Created, &r, r.created_at))
            .await
            .unwrap();
        tx.append_audit(&audit(&r, "referral.create"))
            .await
            .unwrap();
        // dropped without commit
    }
    assert_eq!(store.relay_events(100).await.unwrap(), 0);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get_referral(r.id).await.unwrap(), None);
    assert!(
        tx.audit_of("referral", &r.id.to_string())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn audit_rows_are_appended_and_read_back(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    insert(&store, &r).await;
    let first = audit(&r, "referral.create");
    let second = audit(&r, "referral.get");
    let mut tx = store.begin().await.unwrap();
    tx.append_audit(&first).await.unwrap();
    tx.append_audit(&second).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let rows = tx.audit_of("referral", &r.id.to_string()).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].action, "referral.create");
    assert_eq!(rows[1].action, "referral.get");
    assert_eq!(rows[0].occurred_at, first.occurred_at);
}

/// Audit rows, and the records a list's row names, cannot be changed or removed with
/// SQL, even by the application's role.
async fn the_audit_log_is_append_only(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    insert(&store, &r).await;
    let mut tx = store.begin().await.unwrap();
    tx.append_audit(&audit(&r, "referral.get")).await.unwrap();
    let list = audit(&r, "referral.list").about_each(vec![r.id.to_string()]);
    tx.append_audit(&list).await.unwrap();
    tx.commit().await.unwrap();
    for sql in [
        "UPDATE audit_log SET outcome = 'edited'",
        "DELETE FROM audit_log",
        "UPDATE audit_sightings SET resource_id = 'edited'",
        "DELETE FROM audit_sightings",
    ] {
        let error = db.execute(&[sql]).await.expect_err(sql);
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.audit_of("referral", &r.id.to_string()).await.unwrap()[0].outcome,
        "ok"
    );
}

async fn three_sealed_audit_rows(store: &Store) -> Vec<AuditEntry> {
    let d = department(store, "onc").await;
    let r = referral(&d, "m1");
    insert(store, &r).await;
    let mut rows = Vec::new();
    for action in ["referral.create", "referral.get", "referral.accept"] {
        let entry = audit(&r, action);
        let mut tx = store.begin().await.unwrap();
        tx.append_audit(&entry).await.unwrap();
        tx.commit().await.unwrap();
        rows.push(entry);
    }
    assert_eq!(store.unsealed_audit_count().await.unwrap(), 3);
    assert_eq!(store.seal_audit(2, ChainHash::Sha256).await.unwrap(), 2);
    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 1);
    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 0);
    rows
}

async fn audit_rows_are_sealed_into_a_verifiable_chain(db: TestDatabase) {
    let store = open(&db).await;
    let rows = three_sealed_audit_rows(&store).await;
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    assert_eq!(verification.broken, None);
    assert_eq!(verification.verified, 3);
    assert_eq!(verification.unsealed, 0);
    let chain = store.audit_chain_after(0, 10).await.unwrap();
    assert_eq!(
        chain.iter().map(|l| l.audit_id).collect::<Vec<_>>(),
        rows.iter().map(|r| r.id).collect::<Vec<_>>()
    );
    assert_eq!(chain[0].previous_hash, yishe_store::GENESIS);
    assert_eq!(chain[1].previous_hash, chain[0].hash);
    assert_eq!(verification.head_hash, chain[2].hash);
    // Listing shows each row with its link.
    let listed = store
        .list_audit(Some("referral"), None, None, None, 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1].link.as_ref().unwrap().0, 2);
    let after_first = store
        .list_audit(None, None, None, Some(rows[0].id), 10)
        .await
        .unwrap();
    assert_eq!(after_first.len(), 2);
}

async fn an_audit_row_edited_by_hand_is_pinpointed(db: TestDatabase) {
    let store = open(&db).await;
    let rows = three_sealed_audit_rows(&store).await;
    let edit = "UPDATE audit_log SET outcome = 'ok-ish' WHERE action = 'referral.get'";
    db.execute(&[&db.allow_edits_to("audit_log"), edit])
        .await
        .unwrap();
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    let (sequence, id, problem) = verification.broken.expect("the edit is found");
    assert_eq!(sequence, 2);
    assert_eq!(id, rows[1].id.to_string());
    assert!(problem.contains("changed"), "{problem}");
    assert_eq!(verification.verified, 1);
}

/// A station switching the chain to SM3: links sealed before stay SHA-256, later ones
/// are SM3 and say so, and the whole chain verifies; an edit under an SM3 link is
/// caught like any other.
async fn the_chain_changes_hash_at_a_link_and_verifies_whole(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    insert(&store, &r).await;
    let append = |action: &'static str| {
        let store = store.clone();
        let entry = audit(&r, action);
        async move {
            let mut tx = store.begin().await.unwrap();
            tx.append_audit(&entry).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    append("referral.create").await;
    append("referral.get").await;
    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 2);
    append("referral.accept").await;
    append("referral.list").await;
    assert_eq!(store.seal_audit(100, ChainHash::Sm3).await.unwrap(), 2);

    let chain = store.audit_chain_after(0, 10).await.unwrap();
    let hashes: Vec<ChainHash> = chain.iter().map(|l| ChainHash::of_link(&l.hash)).collect();
    assert_eq!(
        hashes,
        [
            ChainHash::Sha256,
            ChainHash::Sha256,
            ChainHash::Sm3,
            ChainHash::Sm3
        ]
    );
    assert_eq!(chain[2].previous_hash, chain[1].hash, "SM3 follows SHA-256");
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    assert_eq!((verification.broken, verification.verified), (None, 4));

    let edit = "UPDATE audit_log SET outcome = 'ok-ish' WHERE action = 'referral.list'";
    db.execute(&[&db.allow_edits_to("audit_log"), edit])
        .await
        .unwrap();
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    let (sequence, _, problem) = verification.broken.expect("the edit is found");
    assert_eq!(sequence, 4);
    assert!(problem.contains("changed"), "{problem}");
}

/// A list read is one audit row naming every record it returned: found from each of
/// them, read back in order, and covered by the chain, so that changing a name in it
/// is caught.
async fn a_list_is_audited_once_naming_every_record(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let (first, second) = (referral(&d, "m1"), referral(&d, "m2"));
    insert(&store, &first).await;
    insert(&store, &second).await;
    let names = vec![second.id.to_string(), first.id.to_string()];
    let list = audit(&first, "referral.list").about_each(names.clone());
    let mut tx = store.begin().await.unwrap();
    tx.append_audit(&list).await.unwrap();
    tx.append_audit(&audit(&first, "referral.get"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    for r in [&first, &second] {
        let mut tx = store.begin().await.unwrap();
        let rows = tx.audit_of("referral", &r.id.to_string()).await.unwrap();
        let listed: Vec<_> = rows
            .iter()
            .filter(|e| e.action == "referral.list")
            .collect();
        assert_eq!(listed.len(), 1, "the list row is found from {}", r.id);
        assert_eq!(listed[0].resources, names);
        let found = store
            .list_audit(
                Some("referral"),
                Some(&r.id.to_string()),
                Some("referral.list"),
                None,
                10,
            )
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].entry.resources, names);
    }

    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 2);
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    assert_eq!((verification.broken, verification.verified), (None, 2));

    let hide_one = format!(
        "UPDATE audit_log SET resources = replace(resources, '{}', 'someone-else') \
         WHERE action = 'referral.list'",
        first.id
    );
    db.execute(&[&db.allow_edits_to("audit_log"), &hide_one])
        .await
        .unwrap();
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    let (sequence, id, _) = verification.broken.expect("the changed name is found");
    assert_eq!((sequence, id), (1, list.id.to_string()));
}

/// The raw text of a referral's sensitive columns, read behind the store's back.
async fn raw_columns(db: &TestDatabase, id: ReferralId) -> String {
    use sqlx::Connection;
    let sql = "SELECT patient || consent || note || status_note || COALESCE(patient_lookup, '') FROM referrals WHERE id = $1";
    match db.engine {
        yishe_testkit::Engine::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query_scalar(sql)
                .bind(id.as_uuid())
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
        yishe_testkit::Engine::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query_scalar(sql)
                .bind(id.as_uuid())
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
    }
}

async fn sensitive_values_are_encrypted_and_still_found(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let mut r = referral(&d, "m1");
    r.patient.name = "Ouyang Xiuying".into();
    r.patient.his_patient_id = "MRN-7734019".into();
    r.patient.phone = "13912345678".into();
    r.note = "lives alone above the market".into();
    r.consent.justification = "guardian abroad".into();
    insert(&store, &r).await;
    let mut held = r.clone();
    held.status_reason.note = "family meeting on Friday".into();
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&mut held, &[]).await.unwrap();
    tx.commit().await.unwrap();

    let raw = raw_columns(&db, r.id).await;
    for secret in [
        "Ouyang",
        "MRN-7734019",
        "13912345678",
        "lives alone",
        "guardian abroad",
        "family meeting",
    ] {
        assert!(!raw.contains(secret), "{secret} is stored in clear");
    }
    if db.engine == yishe_testkit::Engine::Sqlite {
        // Not in the file either (nor in its write-ahead log).
        let dir = db.dir.as_ref().unwrap().path();
        for file in ["yishe.db", "yishe.db-wal"] {
            let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("Ouyang") && !text.contains("MRN-7734019"),
                "{file}"
            );
        }
    }

    let mut tx = store.begin().await.unwrap();
    let read = tx.get_referral(r.id).await.unwrap().unwrap();
    assert_eq!(read.patient.name, "Ouyang Xiuying");
    assert_eq!(read.status_reason.note, "family meeting on Friday");
    let by_mrn = ListFilter {
        his_patient_id: Some("MRN-7734019".into()),
        ..Default::default()
    };
    let found = store
        .list_committed_referrals(
            &ListScope::Station(station()),
            &by_mrn,
            PageRequest::first(10),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    assert_eq!(
        found.items.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![r.id]
    );
    let other = ListFilter {
        his_patient_id: Some("MRN-0000000".into()),
        ..Default::default()
    };
    assert!(
        store
            .list_committed_referrals(
                &ListScope::Station(station()),
                &other,
                PageRequest::first(10),
                ListOrder::NewestFirst
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn a_rotation_reencrypts_every_row(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let ids = insert_many(&store, &d, 5).await;
    let old = store.crypto().current_key_id();
    assert_eq!(
        store.encryption_status().await.unwrap(),
        vec![(Some(old.clone()), 5)]
    );

    store.crypto().install(store.crypto().keyring().rotated());
    let new = store.crypto().current_key_id();
    assert_ne!(old, new);
    assert_eq!(store.reencrypt_records(2).await.unwrap(), 2);
    assert_eq!(store.reencrypt_records(100).await.unwrap(), 3);
    assert_eq!(store.reencrypt_records(100).await.unwrap(), 0);
    assert_eq!(
        store.encryption_status().await.unwrap(),
        vec![(Some(new.clone()), 5)]
    );
    let mut tx = store.begin().await.unwrap();
    for id in ids {
        let r = tx.get_referral(id).await.unwrap().unwrap();
        assert_eq!(r.patient.name, "张三");
        assert_eq!(
            r.version, 1,
            "re-encryption is not a change the caller sees"
        );
    }
}

async fn closed_referrals_past_retention_are_anonymised(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let mut closed = referral(&d, "closed");
    closed.status = Status::Completed;
    closed.note = "private note".into();
    closed.status_reason.note = "closure note".into();
    let mut open_case = referral(&d, "open");
    open_case.status = Status::InProgress;
    insert(&store, &closed).await;
    insert(&store, &open_case).await;

    // Nothing closed before an hour ago.
    assert!(
        store
            .purge_closed_referrals(now() - Duration::hours(1), now(), 100)
            .await
            .unwrap()
            .is_empty()
    );
    let purged = store
        .purge_closed_referrals(now() + Duration::hours(1), now(), 100)
        .await
        .unwrap();
    assert_eq!(purged, vec![closed.id], "only the closed referral");
    assert!(
        store
            .purge_closed_referrals(now() + Duration::hours(1), now(), 100)
            .await
            .unwrap()
            .is_empty(),
        "once"
    );

    let mut tx = store.begin().await.unwrap();
    let after = tx.get_referral(closed.id).await.unwrap().unwrap();
    assert_eq!(after.patient.name, "");
    assert_eq!(after.patient.his_patient_id, "");
    assert_eq!(after.note, "");
    assert_eq!(after.status_reason.note, "");
    assert_eq!(
        (after.status, after.priority, after.reasons.clone()),
        (closed.status, closed.priority, closed.reasons.clone())
    );
    assert_eq!(
        tx.get_referral(open_case.id)
            .await
            .unwrap()
            .unwrap()
            .patient
            .name,
        "张三"
    );
    let by_mrn = ListFilter {
        his_patient_id: Some("MRN-1".into()),
        ..Default::default()
    };
    let found = store
        .list_committed_referrals(
            &ListScope::Station(station()),
            &by_mrn,
            PageRequest::first(10),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    assert_eq!(
        found.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![open_case.id]
    );
}

async fn lists_respect_scope_filter_and_pages(db: TestDatabase) {
    let store = open(&db).await;
    let onc = department(&store, "onc").await;
    let ped = department(&store, "ped").await;
    let w = worker(&store, "Wang", 5).await;
    let mut all = Vec::new();
    for i in 0..5 {
        let mut r = referral(if i % 2 == 0 { &onc } else { &ped }, &format!("m{i}"));
        if i == 4 {
            r.status = Status::Accepted;
            r.assigned_worker = Some(w.id);
        }
        insert(&store, &r).await;
        all.push(r);
    }
    // Newest first, in pages of two.
    let scope = ListScope::Station(station());
    let p1 = store
        .list_committed_referrals(
            &scope,
            &ListFilter::default(),
            PageRequest::first(2),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    let p2 = store
        .list_committed_referrals(
            &scope,
            &ListFilter::default(),
            PageRequest {
                limit: 2,
                after: p1.next_after,
            },
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    let p3 = store
        .list_committed_referrals(
            &scope,
            &ListFilter::default(),
            PageRequest {
                limit: 2,
                after: p2.next_after,
            },
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    let ids: Vec<_> = [p1.items, p2.items, p3.items.clone()]
        .concat()
        .iter()
        .map(|r| r.id)
        .collect();
    let expected: Vec<_> = all.iter().rev().map(|r| r.id).collect();
    assert_eq!(ids, expected);
    assert!(p3.next_after.is_none());
    assert_eq!(p3.items.len(), 1);

    let his = ListScope::Departments {
        hospital: hospital(),
        departments: vec![onc.id],
    };
    let onc_only = store
        .list_committed_referrals(
            &his,
            &ListFilter::default(),
            PageRequest::first(50),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    assert_eq!(onc_only.items.len(), 3);
    assert!(onc_only.items.iter().all(|r| r.department == onc.id));

    let other_hospital = ListScope::Departments {
        hospital: HospitalId::parse("h2").unwrap(),
        departments: vec![onc.id],
    };
    assert!(first_page(&store, &other_hospital).await.is_empty());

    let someone_else = ListScope::Caseload {
        station: station(),
        worker: Some(SocialWorkerId::new()),
    };
    assert_eq!(first_page(&store, &someone_else).await.len(), 4);
    let mine = ListScope::Caseload {
        station: station(),
        worker: Some(w.id),
    };
    assert_eq!(first_page(&store, &mine).await.len(), 5);

    let accepted = ListFilter {
        status: Some(Status::Accepted),
        ..Default::default()
    };
    let got = store
        .list_committed_referrals(
            &scope,
            &accepted,
            PageRequest::first(50),
            ListOrder::NewestFirst,
        )
        .await
        .unwrap();
    assert_eq!(got.items.len(), 1);
    assert_eq!(got.items[0].assigned_worker_name.as_deref(), Some("Wang"));
    let unassigned = ListFilter {
        assigned_worker: Some(None),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_committed_referrals(
                &scope,
                &unassigned,
                PageRequest::first(50),
                ListOrder::NewestFirst
            )
            .await
            .unwrap()
            .items
            .len(),
        4
    );
    assert!(
        store
            .list_committed_referrals(
                &ListScope::Nothing,
                &ListFilter::default(),
                PageRequest::first(50),
                ListOrder::NewestFirst
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn the_feed_is_ordered_and_gap_free(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let ids = insert_many(&store, &d, 3).await;
    assert_eq!(store.relay_events(2).await.unwrap(), 2);
    assert_eq!(store.relay_events(100).await.unwrap(), 1);
    assert_eq!(store.relay_events(100).await.unwrap(), 0);
    let feed = store.feed_after(0, 100).await.unwrap();
    assert_eq!(
        feed.iter().map(|e| e.sequence.unwrap()).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(feed.iter().map(|e| e.referral).collect::<Vec<_>>(), ids);
    let rest = store.feed_after(2, 100).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].sequence, Some(3));
}

async fn departments_are_unique_per_hospital(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let mut again = d.clone();
    again.id = DepartmentId::new();
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_department(&again).await,
        Err(Error::AlreadyExists(_))
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.list_departments(Some(&hospital())).await.unwrap(),
        vec![d.clone()]
    );
    assert!(
        tx.list_departments(Some(&HospitalId::parse("h9").unwrap()))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(tx.get_department(d.id).await.unwrap(), Some(d));
}

async fn workers_count_open_cases_and_refuse_stale_updates(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let w = worker(&store, "Li", 3).await;
    for (i, status) in [Status::Accepted, Status::OnHold, Status::Completed]
        .into_iter()
        .enumerate()
    {
        let mut r = referral(&d, &format!("m{i}"));
        r.status = status;
        r.assigned_worker = Some(w.id);
        insert(&store, &r).await;
    }
    let mut tx = store.begin().await.unwrap();
    let locked = tx.lock_worker(w.id).await.unwrap().unwrap();
    assert_eq!(locked.open_cases, 2, "completed cases do not count");
    let mut changed = locked.clone();
    changed.active = false;
    let mut stale = changed.clone();
    tx.save_worker(&mut changed).await.unwrap();
    assert_eq!(changed.version, locked.version + 1);
    assert!(matches!(
        tx.save_worker(&mut stale).await,
        Err(Error::Stale)
    ));
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.list_workers(&station(), false).await.unwrap().is_empty());
    assert_eq!(tx.list_workers(&station(), true).await.unwrap().len(), 1);
}

async fn api_keys_are_found_by_hash_and_revoked(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let key = ApiKey {
        id: ApiKeyId::new(),
        display_name: "oncology HIS".into(),
        role: Role::HisIntegration,
        hospital: Some(hospital()),
        departments: vec![d.id],
        station: None,
        worker: None,
        volunteer: None,
        certificate_subject: Some("oncology-his.h1.test".into()),
        read_only: true,
        secret_hash: "abc123".into(),
        created_at: now(),
        revoked_at: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_api_key(&key).await.unwrap();
    assert!(tx.has_valid_key("his_integration").await.unwrap());
    assert!(!tx.has_valid_key("station_admin").await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        store.find_api_key("abc123").await.unwrap(),
        Some(key.clone())
    );
    assert_eq!(store.find_api_key("nope").await.unwrap(), None);
    let names = [
        "oncology-his".to_string(),
        "oncology-his.h1.test".to_string(),
    ];
    assert_eq!(
        store.find_api_key_by_certificate(&names).await.unwrap(),
        Some(key.clone())
    );
    assert_eq!(
        store
            .find_api_key_by_certificate(&["radiology-his".to_string()])
            .await
            .unwrap(),
        None
    );

    let mut tx = store.begin().await.unwrap();
    let revoked = tx.revoke_api_key(key.id, now()).await.unwrap().unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(tx.list_api_keys(false).await.unwrap().is_empty());
    assert_eq!(tx.list_api_keys(true).await.unwrap().len(), 1);
    assert_eq!(
        tx.revoke_api_key(ApiKeyId::new(), now()).await.unwrap(),
        None
    );
}

/// Valid keys are remembered, yet a revocation is seen at once by the store that made
/// it and within the cache's second by another (a second replica on the same database).
async fn a_revoked_key_is_refused_here_at_once_and_elsewhere_within_a_second(db: TestDatabase) {
    let (here, elsewhere) = (open(&db).await, open(&db).await);
    let d = department(&here, "onc").await;
    let key = ApiKey {
        id: ApiKeyId::new(),
        display_name: "oncology HIS".into(),
        role: Role::HisIntegration,
        hospital: Some(hospital()),
        departments: vec![d.id],
        station: None,
        worker: None,
        volunteer: None,
        certificate_subject: Some("oncology-his.h1.test".into()),
        read_only: false,
        secret_hash: "abc123".into(),
        created_at: now(),
        revoked_at: None,
    };
    let mut tx = here.begin().await.unwrap();
    tx.insert_api_key(&key).await.unwrap();
    tx.commit().await.unwrap();
    let names = ["oncology-his.h1.test".to_string()];
    for store in [&here, &elsewhere] {
        assert!(store.find_api_key("abc123").await.unwrap().is_some());
        assert!(
            store
                .find_api_key_by_certificate(&names)
                .await
                .unwrap()
                .is_some()
        );
    }

    let mut tx = here.begin().await.unwrap();
    tx.revoke_api_key(key.id, now()).await.unwrap();
    tx.commit().await.unwrap();
    let found = here.find_api_key("abc123").await.unwrap().unwrap();
    assert!(
        found.revoked_at.is_some(),
        "the revoking store sees it at once"
    );
    let found = here
        .find_api_key_by_certificate(&names)
        .await
        .unwrap()
        .unwrap();
    assert!(found.revoked_at.is_some());

    tokio::time::sleep(yishe_store::KEY_CACHE_TTL).await;
    let found = elsewhere.find_api_key("abc123").await.unwrap().unwrap();
    assert!(
        found.revoked_at.is_some(),
        "another store sees it once its entry expires"
    );
    let found = elsewhere
        .find_api_key_by_certificate(&names)
        .await
        .unwrap()
        .unwrap();
    assert!(found.revoked_at.is_some());
}

async fn overdue_referrals_are_found_once(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let mut late = referral(&d, "late");
    late.acceptance_deadline = now() - Duration::minutes(5);
    let on_time = referral(&d, "on-time");
    insert(&store, &late).await;
    insert(&store, &on_time).await;
    let mut tx = store.begin().await.unwrap();
    let overdue = tx.overdue_referrals(now(), 100).await.unwrap();
    assert_eq!(
        overdue.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![late.id]
    );
    let mut breached = overdue[0].clone();
    breached.sla_breached = true;
    tx.save_referral(&mut breached, &[]).await.unwrap();
    assert!(tx.overdue_referrals(now(), 100).await.unwrap().is_empty());
}

/// What ops reads at each scrape: open referrals by station and status, the station's
/// caseload against what its available workers may hold, the outbox's backlog, the
/// sealer's queue, and the pools.
async fn gauges_count_what_ops_watches(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let full = worker(&store, "王芳", 1).await;
    let _room = worker(&store, "李娜", 3).await;
    let mut away = worker(&store, "张伟", 5).await;
    away.on_leave = true;
    let mut tx = store.begin().await.unwrap();
    tx.save_worker(&mut away).await.unwrap();
    tx.commit().await.unwrap();
    let mut created = Vec::new();
    for (i, (status, assigned)) in [
        (Status::Requested, None),
        (Status::Requested, None),
        (Status::Accepted, Some(full.id)),
        (Status::InProgress, Some(away.id)),
        (Status::Rejected, None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut r = referral(&d, &format!("m{i}"));
        r.status = status;
        r.assigned_worker = assigned;
        insert(&store, &r).await;
        created.push(r);
    }
    let open = |status, count| yishe_store::OpenReferrals {
        station: "s1".into(),
        status,
        count,
    };
    assert_eq!(
        store.open_referrals().await.unwrap(),
        vec![
            open(Status::Accepted, 1),
            open(Status::InProgress, 1),
            open(Status::Requested, 2)
        ]
    );
    // The worker on leave keeps their case in the count and adds nothing to the limit.
    assert_eq!(
        store.caseloads().await.unwrap(),
        vec![yishe_store::Caseload {
            station: "s1".into(),
            open_cases: 2,
            limit: 4,
            workers_at_limit: 1,
        }]
    );

    assert_eq!(store.outbox_pending().await.unwrap(), 5);
    assert_eq!(store.relay_events(500).await.unwrap(), 5);
    assert_eq!(store.outbox_pending().await.unwrap(), 0);

    let entry = audit(&created[0], "referral.read");
    let mut tx = store.begin().await.unwrap();
    tx.append_audit(&entry).await.unwrap();
    tx.commit().await.unwrap();
    let unsealed = store.audit_unsealed().await.unwrap();
    assert_eq!(unsealed.count, 1);
    assert_eq!(
        unsealed.oldest.map(|t| t.timestamp_millis()),
        Some(entry.occurred_at.timestamp_millis())
    );
    store.seal_audit(500, ChainHash::Sha256).await.unwrap();
    assert_eq!(
        store.audit_unsealed().await.unwrap(),
        yishe_store::Unsealed::default()
    );

    // SQLite's writer may still be finishing the sealer's batch (answering it, then
    // letting go of the writer) a moment after the commit returned: it lets go soon.
    let writer_at_rest = || {
        let pools = store.pools();
        let writer = pools.into_iter().find(|p| p.pool == "writer").unwrap();
        assert!(writer.max >= 1);
        (writer.in_use, writer.waiting)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while writer_at_rest() != (0, 0) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(writer_at_rest(), (0, 0), "nothing writes now");
    let pools = store.pools();
    let reader = pools.iter().find(|p| p.pool == "reader").unwrap();
    assert!(reader.max >= 1 && reader.in_use + reader.idle <= reader.max);
}

/// Departments are remembered once read, but only what a committed transaction read:
/// one seen inside a transaction that rolled back was never there.
async fn only_committed_departments_are_remembered(db: TestDatabase) {
    let store = open(&db).await;
    let d = yishe_domain::directory::Department {
        id: DepartmentId::new(),
        hospital: HospitalId::parse("h1").unwrap(),
        code: "icu".into(),
        name: "重症监护室".into(),
        created_at: now(),
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_department(&d).await.unwrap();
    assert_eq!(tx.get_department(d.id).await.unwrap(), Some(d.clone()));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get_department(d.id).await.unwrap(), None);
    tx.insert_department(&d).await.unwrap();
    tx.commit().await.unwrap();
    for _ in 0..2 {
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.get_department(d.id).await.unwrap(), Some(d.clone()));
        tx.commit().await.unwrap();
    }
}

/// A create writes the referral, its event and its audit row together (one statement on
/// PostgreSQL, one call on SQLite); a replay of its request id writes neither again but
/// audits the replay, and a reuse of the id for another payload writes nothing.
async fn a_create_writes_its_event_and_audit_row_only_when_new(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let r = referral(&d, "m1");
    let event = ReferralEvent::of(EventType::Created, &r, r.created_at);
    let mut tx = store.begin().await.unwrap();
    let created = tx
        .create_referral(&r, "fp", &event, &audit(&r, "referral.create"))
        .await
        .unwrap();
    assert!(matches!(created, CreateOutcome::Created));
    tx.commit().await.unwrap();

    let mut replay = referral(&d, "m1");
    replay.note = "sent again".into();
    let replay_audit = audit(&replay, "referral.create");
    let replay_audit_id = replay_audit.id;
    let mut tx = store.begin().await.unwrap();
    let again = tx
        .create_referral(
            &replay,
            "fp",
            &ReferralEvent::of(EventType::Created, &replay, replay.created_at),
            &replay_audit,
        )
        .await
        .unwrap();
    match again {
        CreateOutcome::Replayed(existing) => {
            assert_eq!(existing.id, r.id);
            assert_eq!(existing.note, r.note);
        }
        other => panic!("a replay of the same payload answered {other:?}"),
    }
    tx.commit().await.unwrap();

    let mut reuse = referral(&d, "m1");
    reuse.note = "another payload".into();
    let mut tx = store.begin().await.unwrap();
    let reused = tx
        .create_referral(
            &reuse,
            "other-fp",
            &ReferralEvent::of(EventType::Created, &reuse, reuse.created_at),
            &audit(&reuse, "referral.create"),
        )
        .await
        .unwrap();
    match reused {
        CreateOutcome::RequestIdReused(existing) => assert_eq!(existing.id, r.id),
        other => panic!("a reused request id answered {other:?}"),
    }
    tx.commit().await.unwrap();

    assert_eq!(
        store.relay_events(100).await.unwrap(),
        1,
        "one event, not two"
    );
    let feed = store.feed_after(0, 10).await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].referral, r.id);
    assert_eq!(feed[0].id, event.id);
    let mut tx = store.begin().await.unwrap();
    let rows = tx.audit_of("referral", &r.id.to_string()).await.unwrap();
    let actions: Vec<&str> = rows.iter().map(|row| row.action.as_str()).collect();
    assert_eq!(
        actions,
        ["referral.create", "referral.create.replay"],
        "the create, then its replay (the reuse is the caller's to audit)"
    );
    assert_eq!(rows[1].id, replay_audit_id, "the replay's own audit row");
    for other in [replay.id, reuse.id] {
        let rows = tx.audit_of("referral", &other.to_string()).await.unwrap();
        assert!(
            rows.is_empty(),
            "a resent referral's own id was never written"
        );
    }
}

on_both_engines!(
    referral_round_trips,
    a_create_writes_its_event_and_audit_row_only_when_new,
    only_committed_departments_are_remembered,
    a_replayed_request_returns_the_first_referral,
    twenty_concurrent_replays_create_exactly_one,
    twenty_concurrent_replays_for_one_write_create_exactly_one,
    a_saved_change_appends_its_events_and_wakes_the_relay,
    relay_batches_are_announced_to_readers,
    a_stale_update_is_refused,
    a_rolled_back_change_leaves_nothing,
    audit_rows_are_appended_and_read_back,
    the_audit_log_is_append_only,
    audit_rows_are_sealed_into_a_verifiable_chain,
    an_audit_row_edited_by_hand_is_pinpointed,
    the_chain_changes_hash_at_a_link_and_verifies_whole,
    a_list_is_audited_once_naming_every_record,
    sensitive_values_are_encrypted_and_still_found,
    a_rotation_reencrypts_every_row,
    closed_referrals_past_retention_are_anonymised,
    lists_respect_scope_filter_and_pages,
    the_feed_is_ordered_and_gap_free,
    departments_are_unique_per_hospital,
    workers_count_open_cases_and_refuse_stale_updates,
    api_keys_are_found_by_hash_and_revoked,
    a_revoked_key_is_refused_here_at_once_and_elsewhere_within_a_second,
    overdue_referrals_are_found_once,
    gauges_count_what_ops_watches,
);

/// PostgreSQL can commit transactions out of id order. A watcher that read "outbox ids
/// greater than my cursor" would skip the late one; the relay's feed must not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_out_of_order_commits_are_never_skipped() {
    let Some(db) = TestDatabase::create(yishe_testkit::Engine::Postgres).await else {
        return;
    };
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    let early = referral(&d, "early");
    let late = referral(&d, "late");

    // `early` takes the lower outbox id but commits last.
    let mut slow = store.begin().await.unwrap();
    slow.insert_referral(&early, "fp").await.unwrap();
    slow.append_event(&ReferralEvent::of(
        EventType::Created,
        &early,
        early.created_at,
    ))
    .await
    .unwrap();
    insert(&store, &late).await;

    assert_eq!(store.relay_events(100).await.unwrap(), 1);
    let seen = store.feed_after(0, 100).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].referral, late.id);
    let cursor = seen[0].sequence.unwrap();

    slow.commit().await.unwrap();
    assert_eq!(store.relay_events(100).await.unwrap(), 1);
    let after = store.feed_after(cursor, 100).await.unwrap();
    assert_eq!(
        after.len(),
        1,
        "the late commit is delivered after the cursor"
    );
    assert_eq!(after[0].referral, early.id);
    assert_eq!(after[0].sequence, Some(cursor + 1));
    // Nothing is repeated from the start either.
    let all = store.feed_after(0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.referral).collect::<Vec<_>>(),
        vec![late.id, early.id]
    );
}

/// Two relays racing on PostgreSQL: the advisory lock lets one move events at a time,
/// and the feed still has every event once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_racing_relays_keep_the_feed_exact() {
    let Some(db) = TestDatabase::create(yishe_testkit::Engine::Postgres).await else {
        return;
    };
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    insert_many(&store, &d, 30).await;
    let mut relays = Vec::new();
    for _ in 0..4 {
        let store = store.clone();
        relays.push(tokio::spawn(async move {
            let mut moved = 0;
            for _ in 0..50 {
                moved += store.relay_events(3).await.unwrap();
            }
            moved
        }));
    }
    let mut moved = 0;
    for r in relays {
        moved += r.await.unwrap();
    }
    moved += store.relay_events(100).await.unwrap();
    assert_eq!(moved, 30);
    let feed = store.feed_after(0, 100).await.unwrap();
    assert_eq!(
        feed.iter().map(|e| e.sequence.unwrap()).collect::<Vec<_>>(),
        (1..=30).collect::<Vec<_>>()
    );
}
