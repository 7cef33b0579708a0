//! The records a list's audit row names: kept in the row itself, found again from each
//! record through the minutes it was seen, and still read from audit_resources for
//! rows an earlier release wrote there.

use uuid::{NoContext, Timestamp, Uuid};
use yishe_store::{AuditEntry, ChainHash};
use yishe_testkit::{Engine, TestDatabase, on_both_engines};

use crate::fixtures::*;

/// An audit id written at `seconds` past the Unix epoch.
fn id_at(seconds: u64) -> Uuid {
    Uuid::new_v7(Timestamp::from_unix(NoContext, seconds, 0))
}

/// A list's audit row with id `id`, naming `names`.
fn list_row(id: Uuid, names: &[String]) -> AuditEntry {
    AuditEntry {
        id,
        occurred_at: now(),
        subject: "supervisor-1".into(),
        role: "supervisor".into(),
        action: "referral.list".into(),
        resource_kind: "referral".into(),
        resource_id: String::new(),
        request_id: "req-list".into(),
        outcome: "ok".into(),
        purpose: String::new(),
        resources: names.to_vec(),
    }
}

async fn append(store: &yishe_store::Store, entries: &[AuditEntry]) {
    let mut tx = store.begin().await.unwrap();
    for entry in entries {
        tx.append_audit(entry).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn count(db: &TestDatabase, table: &str) -> String {
    db.texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
        .await
        .unwrap()
        .remove(0)
}

/// `id` as a literal of this engine's id column, for SQL behind the store's back.
fn id_literal(db: &TestDatabase, id: Uuid) -> String {
    match db.engine {
        Engine::Sqlite => format!("X'{}'", id.simple()),
        Engine::Postgres => format!("'{id}'"),
    }
}

/// The records each audit row about `record` names, as the auditor's search shows them.
async fn names_in_rows_about(store: &yishe_store::Store, record: &str) -> Vec<Vec<String>> {
    store
        .list_audit(Some("referral"), Some(record), None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.entry.resources)
        .collect()
}

/// The ids of the audit rows found about `record`, through the transaction's read and
/// the auditor's.
async fn found_about(store: &yishe_store::Store, record: &str) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut tx = store.begin().await.unwrap();
    let in_tx: Vec<Uuid> = tx
        .audit_of("referral", record)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    let listed: Vec<Uuid> = store
        .list_audit(Some("referral"), Some(record), None, None, 100)
        .await
        .unwrap()
        .iter()
        .map(|r| r.entry.id)
        .collect();
    (in_tx, listed)
}

/// Two lists in one minute showing the same records write one sighting per record, a
/// third in another minute one more each; every row is found from every record it
/// names, with its names in order, and nothing goes to audit_resources.
async fn a_record_seen_again_within_a_minute_costs_no_write(db: TestDatabase) {
    let store = open(&db).await;
    let names = vec![Uuid::now_v7().to_string(), Uuid::now_v7().to_string()];
    let minute = 1_796_000_000 - 1_796_000_000 % 60;
    let rows = [
        list_row(id_at(minute + 1), &names),
        list_row(id_at(minute + 59), &names),
        list_row(id_at(minute + 60), &names[1..]),
    ];
    append(&store, &rows[..2]).await;
    assert_eq!(count(&db, "audit_sightings").await, "2");
    append(&store, &rows[2..]).await;
    assert_eq!(count(&db, "audit_sightings").await, "3");
    assert_eq!(count(&db, "audit_resources").await, "0");

    let all: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    assert_eq!(
        found_about(&store, &names[0]).await,
        (all[..2].to_vec(), all[..2].to_vec())
    );
    assert_eq!(
        found_about(&store, &names[1]).await,
        (all.clone(), all.clone())
    );
    assert_eq!(
        names_in_rows_about(&store, &names[1]).await,
        vec![names.clone(), names.clone(), names[1..].to_vec()]
    );
    // A search without a kind finds the same rows, and pages through them.
    let first_page = store
        .list_audit(None, Some(&names[1]), None, None, 2)
        .await
        .unwrap();
    let rest = store
        .list_audit(None, Some(&names[1]), None, Some(first_page[1].entry.id), 2)
        .await
        .unwrap();
    let paged: Vec<Uuid> = first_page.iter().chain(&rest).map(|r| r.entry.id).collect();
    assert_eq!(paged, all);
}

/// A record is found by its whole name: one whose name is part of another's is not
/// taken for it.
async fn a_record_is_found_by_its_whole_name(db: TestDatabase) {
    let store = open(&db).await;
    let long = format!("{}-2", Uuid::now_v7());
    let short = long[..long.len() - 2].to_owned();
    append(
        &store,
        &[list_row(Uuid::now_v7(), std::slice::from_ref(&long))],
    )
    .await;
    assert_eq!(found_about(&store, &short).await, (vec![], vec![]));
    assert_eq!(found_about(&store, &long).await.0.len(), 1);
}

/// Rows an earlier release wrote, naming their records in audit_resources, are found
/// and shown as before, and seal and verify beside the new ones.
async fn rows_named_in_the_old_table_are_still_found_and_verify(db: TestDatabase) {
    let store = open(&db).await;
    let names = [Uuid::now_v7().to_string(), Uuid::now_v7().to_string()];
    let old = Uuid::now_v7();
    let literal = id_literal(&db, old);
    db.execute(&[
        &format!(
            "INSERT INTO audit_log (id, occurred_at, subject, role, action, resource_kind, \
             resource_id, request_id, outcome, purpose) VALUES ({literal}, \
             '2026-11-30T08:00:00+00:00', 'supervisor-1', 'supervisor', 'referral.list', \
             'referral', '', 'req-old', 'ok', '')"
        ),
        &format!(
            "INSERT INTO audit_resources (audit_id, position, resource_id) VALUES \
             ({literal}, 0, '{}'), ({literal}, 1, '{}')",
            names[0], names[1]
        ),
    ])
    .await
    .unwrap();
    let new = list_row(Uuid::now_v7(), &names[1..]);
    append(&store, std::slice::from_ref(&new)).await;
    for sql in [
        "UPDATE audit_resources SET resource_id = 'edited'",
        "DELETE FROM audit_resources",
    ] {
        let error = db.execute(&[sql]).await.expect_err(sql);
        assert!(error.contains("append-only"), "{sql}: {error}");
    }

    assert_eq!(found_about(&store, &names[0]).await, (vec![old], vec![old]));
    assert_eq!(
        found_about(&store, &names[1]).await,
        (vec![old, new.id], vec![old, new.id])
    );
    assert_eq!(
        names_in_rows_about(&store, &names[1]).await,
        vec![names.to_vec(), names[1..].to_vec()]
    );

    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 2);
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    assert_eq!((verification.broken, verification.verified), (None, 2));
    let links = store.audit_chain_after(0, 10).await.unwrap();
    assert_eq!(
        links
            .iter()
            .map(|l| l.entry.as_ref().unwrap().resources.len())
            .collect::<Vec<_>>(),
        vec![2, 1],
        "the chain reads each row's names from where they are kept"
    );
}

/// During a rolling upgrade (or after a rollback) a sealer of the release before may
/// run beside this one. It reads names from audit_resources only, so it must never take
/// a row that names its records in itself: its query passes such rows by, and this
/// release's sealer takes them.
async fn an_older_sealer_never_takes_a_row_naming_its_records(db: TestDatabase) {
    let store = open(&db).await;
    let named = list_row(Uuid::now_v7(), &[Uuid::now_v7().to_string()]);
    let single = AuditEntry {
        resources: Vec::new(),
        resource_id: Uuid::now_v7().to_string(),
        action: "referral.get".into(),
        ..list_row(Uuid::now_v7(), &[])
    };
    append(&store, &[named.clone(), single.clone()]).await;
    // The query of the release before's sealer (migration 0012 to 0029).
    let older_sealer_sees = db
        .texts(
            "SELECT a.request_id || ':' || a.action FROM audit_pending p \
             JOIN audit_log a ON a.id = p.audit_id ORDER BY p.id",
        )
        .await
        .unwrap();
    assert_eq!(older_sealer_sees, vec!["req-list:referral.get".to_owned()]);
    assert_eq!(count(&db, "audit_pending").await, "2");
    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 2);
    assert_eq!(count(&db, "audit_pending").await, "0");
    let links = store.audit_chain_after(0, 10).await.unwrap();
    let sealed: Vec<Uuid> = links.iter().map(|l| l.audit_id).collect();
    assert_eq!(sealed, vec![named.id, single.id], "in the order queued");
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    assert_eq!((verification.broken, verification.verified), (None, 2));
}

/// What someone with the database's owner rights might do to the names, and what
/// becomes of it: a row added to audit_resources for a row that names its records in
/// itself is not read; a value edited into something that is not JSON is reported by
/// the verification and does not stop searches; a sighting's note removed makes the
/// verification say which record a search would no longer find.
async fn tampering_with_the_names_is_found_or_harmless(db: TestDatabase) {
    let store = open(&db).await;
    let (shown, stranger) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let list = list_row(Uuid::now_v7(), std::slice::from_ref(&shown));
    let other = list_row(Uuid::now_v7(), std::slice::from_ref(&shown));
    append(&store, &[list.clone(), other.clone()]).await;
    assert_eq!(store.seal_audit(100, ChainHash::Sha256).await.unwrap(), 2);

    db.execute(&[&format!(
        "INSERT INTO audit_resources (audit_id, position, resource_id) VALUES ({}, 1, '{stranger}')",
        id_literal(&db, list.id)
    )])
    .await
    .unwrap();
    assert_eq!(found_about(&store, &stranger).await, (vec![], vec![]));
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    assert_eq!((verification.broken, verification.verified), (None, 2));

    db.execute(&[
        &db.allow_deletes_from("audit_sightings"),
        &format!("DELETE FROM audit_sightings WHERE resource_id = '{shown}'"),
    ])
    .await
    .unwrap();
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    let (sequence, id, problem) = verification.broken.expect("the lost note is found");
    assert_eq!((sequence, id), (1, list.id.to_string()));
    assert!(
        problem.contains(&shown) && problem.contains("would not find"),
        "{problem}"
    );

    let other_record = Uuid::now_v7().to_string();
    let next = list_row(Uuid::now_v7(), std::slice::from_ref(&other_record));
    append(&store, std::slice::from_ref(&next)).await;
    db.execute(&[
        &db.allow_edits_to("audit_log"),
        &format!(
            "UPDATE audit_log SET resources = 'not json' WHERE id = {}",
            id_literal(&db, list.id)
        ),
    ])
    .await
    .unwrap();
    assert_eq!(
        found_about(&store, &other_record).await,
        (vec![next.id], vec![next.id]),
        "a search beside the edited row still answers"
    );
    let verification = yishe_store::verify(store.as_ref()).await.unwrap();
    let (sequence, _, problem) = verification.broken.expect("the edit is found");
    assert_eq!(sequence, 1);
    assert!(problem.contains("changed"), "{problem}");
}

on_both_engines!(
    a_record_seen_again_within_a_minute_costs_no_write,
    a_record_is_found_by_its_whole_name,
    rows_named_in_the_old_table_are_still_found_and_verify,
    an_older_sealer_never_takes_a_row_naming_its_records,
    tampering_with_the_names_is_found_or_harmless,
);
