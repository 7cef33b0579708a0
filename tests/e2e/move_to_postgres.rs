//! Moving an installation from the embedded database to PostgreSQL with
//! `yishe-server migrate-to-postgres`, as OPERATIONS.md tells it: stop the server,
//! copy into a new database, start on it with the same keyring. Every referral reads
//! back with its patient, the feed keeps its sequence, the audit chain verifies and
//! goes on growing, and a second copy into the same database is refused.

use std::time::Duration;

use yishe_proto::audit::VerifyAuditChainRequest;
use yishe_proto::referral::{ListReferralsRequest, ReferralEvent, WatchReferralEventsRequest};

use yishe_testserver::TestDatabase;

use crate::support::{
    Engine, Station, TestApp, accept, create_referral, next_event, read_referral,
};

/// The first `count` events of the feed, as the supervisor watches it from the start.
async fn feed_start(app: &TestApp, station: &Station, count: usize) -> Vec<ReferralEvent> {
    let mut stream = app
        .referrals(Some(&station.supervisor_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .expect("watch")
        .into_inner();
    let mut events = Vec::new();
    while events.len() < count {
        events.push(next_event(&mut stream).await);
    }
    events
}

/// The chain's verification once the sealer has caught up (at most 10 s).
async fn sealed(app: &TestApp, station: &Station) -> yishe_proto::audit::VerifyAuditChainResponse {
    let mut audit = app.audit(Some(&station.auditor_key));
    for _ in 0..40 {
        let verified = audit
            .verify_audit_chain(VerifyAuditChainRequest::default())
            .await
            .unwrap()
            .into_inner();
        if verified.unsealed_records <= 1 || !verified.intact {
            return verified;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the audit log was not sealed within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_installation_moves_to_postgres_whole() {
    let Some(target) = TestDatabase::create(Engine::Postgres).await else {
        return;
    };
    let app = TestApp::spawn(Engine::Sqlite).await.expect("SQLite");
    let station = Station::seed(&app).await;
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(create_referral(&app, &station, &format!("moving-{n}")).await);
    }
    accept(&mut app.referrals(Some(&station.worker_key)), &created[0]).await;
    // A list: one audit row naming every referral it returned.
    app.referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap();
    let feed_before = feed_start(&app, &station, 6).await;
    let chain_before = sealed(&app, &station).await;
    assert!(chain_before.intact, "{chain_before:?}");

    // Stopped, as the guide says; its files stay.
    app.shutdown.trigger();
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(app.grpc_addr).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let config = app.process.config.clone();
    let (moved, verified) = yishe_server::migrate_to_postgres(config.clone(), &target.url)
        .await
        .expect("migrate-to-postgres");
    let rows = |table: &str| {
        moved
            .tables
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, rows)| *rows)
            .unwrap_or_else(|| panic!("{table} was not copied: {moved:?}"))
    };
    assert_eq!(rows("referrals"), 5);
    assert!(rows("audit_log") > 10, "{moved:?}");
    assert!(rows("referral_feed") >= 6, "{moved:?}");
    assert!(rows("api_keys") >= 8, "{moved:?}");
    assert!(verified.broken.is_none() && verified.verified >= chain_before.verified_records);
    let table_count: usize = target
        .texts(
            "SELECT count(*)::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
               AND table_name <> '_sqlx_migrations'",
        )
        .await
        .unwrap()[0]
        .parse()
        .unwrap();
    assert_eq!(moved.tables.len(), table_count, "every table, once");

    // Once only: the database is no longer new.
    let again = yishe_server::migrate_to_postgres(config.clone(), &target.url)
        .await
        .unwrap_err();
    assert!(again.contains("not empty"), "{again}");
    assert_eq!(
        target
            .texts("SELECT count(*)::text FROM referrals")
            .await
            .unwrap(),
        ["5"],
        "the refused copy added nothing"
    );

    // The server on PostgreSQL, with the keyring it had.
    let keyring = config.effective_key_file();
    let kept = tempfile::tempdir().unwrap();
    let kept_keyring = kept.path().join("encryption.keys");
    std::fs::copy(&keyring, &kept_keyring).unwrap();
    let url = target.url.clone();
    let moved_app = TestApp::spawn_with(Engine::Postgres, |c| {
        c.database.database_url = url;
        c.security.encryption_key_file = kept_keyring;
    })
    .await
    .expect("PostgreSQL");
    for original in &created {
        let read = read_referral(&moved_app, &station.his_key, &original.id).await;
        assert_eq!(
            read.patient, original.patient,
            "opened with the same keyring"
        );
    }
    let feed_after = feed_start(&moved_app, &station, 6).await;
    let positions = |events: &[ReferralEvent]| {
        events
            .iter()
            .map(|e| (e.sequence, e.event_id.clone(), e.r#type))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        positions(&feed_after),
        positions(&feed_before),
        "the feed as it was"
    );

    // Life goes on: new rows take the next ids and the next links.
    let next = create_referral(&moved_app, &station, "after-the-move").await;
    let mut stream = moved_app
        .referrals(Some(&station.supervisor_key))
        .watch_referral_events(WatchReferralEventsRequest::after(
            feed_before.last().unwrap().sequence,
        ))
        .await
        .unwrap()
        .into_inner();
    let mut newest = next_event(&mut stream).await;
    while newest.referral_id != next.id {
        newest = next_event(&mut stream).await;
    }
    let chain_after = sealed(&moved_app, &station).await;
    assert!(chain_after.intact, "{chain_after:?}");
    assert!(
        chain_after.verified_records > chain_before.verified_records,
        "{chain_after:?} after {chain_before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_embedded_installation_moves_and_only_to_postgres() {
    let Some(app) = TestApp::spawn(Engine::Postgres).await else {
        return;
    };
    let refused = yishe_server::migrate_to_postgres(app.process.config.clone(), &app.db.url)
        .await
        .unwrap_err();
    assert!(
        refused.contains("not on the embedded database"),
        "{refused}"
    );

    let app = TestApp::spawn(Engine::Sqlite).await.expect("SQLite");
    let refused = yishe_server::migrate_to_postgres(app.process.config.clone(), "mysql://x")
        .await
        .unwrap_err();
    assert!(refused.contains("postgres://"), "{refused}");
}
