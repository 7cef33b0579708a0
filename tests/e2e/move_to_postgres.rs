//! Moving an installation from the embedded database to PostgreSQL with
//! `yishe-server migrate-to-postgres`, then starting on it with the same keyring.
//! Every table arrives whole, every referral reads back with its patient, the feed
//! keeps its sequence, the audit chain verifies and goes on growing. A server left
//! running on the file (against the guide) loses no acknowledged write: its writes
//! wait for the copy and are refused after it. A database with rows is refused.

use std::time::Duration;

use yishe_proto::referral::{ListReferralsRequest, ReferralEvent, WatchReferralEventsRequest};

use yishe_testserver::TestDatabase;

use crate::support::{
    Engine, Station, TestApp, accept, create_referral, next_event, read_referral, sealed_chain,
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

/// Every table of the embedded database with its rows, counted in `db`.
async fn table_rows(db: &TestDatabase, tables: &[String]) -> Vec<(String, String)> {
    let mut counted = Vec::new();
    for table in tables {
        let rows = db
            .texts(&format!("SELECT CAST(count(*) AS TEXT) FROM {table}"))
            .await
            .unwrap()
            .remove(0);
        counted.push((table.clone(), rows));
    }
    counted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_installation_moves_to_postgres_whole() {
    let Some(target) = TestDatabase::create(Engine::Postgres).await else {
        return;
    };
    let app = std::sync::Arc::new(TestApp::spawn(Engine::Sqlite).await.expect("SQLite"));
    let station = std::sync::Arc::new(Station::seed(&app).await);
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(create_referral(&app, &station, &format!("moving-{n}")).await);
    }
    accept(&mut app.referrals(Some(&station.worker_key)), &created[0]).await;
    // An assessment with a risk flag, and a list: one audit row naming every referral
    // it returned.
    crate::assessment::risky_assessment(&app, &station).await;
    app.referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap();
    let feed_before = feed_start(&app, &station, 6).await;
    let chain_before = sealed_chain(&app, &station).await;
    assert!(chain_before.intact, "{chain_before:?}");

    // The HIS goes on sending to a server nobody stopped, until it is refused.
    let moving = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sender = tokio::spawn({
        let (app, station, moving) = (app.clone(), station.clone(), moving.clone());
        async move {
            let mut acknowledged = Vec::new();
            let mut client = app.referrals(Some(&station.his_key));
            let mut n = 0;
            while moving.load(std::sync::atomic::Ordering::Relaxed) {
                let request = station.referral_request(&station.department, &format!("during-{n}"));
                n += 1;
                match client.create_referral(request).await {
                    Ok(answer) => acknowledged.push(answer.into_inner().referral.unwrap().id),
                    Err(refused) => return (acknowledged, Some(refused)),
                }
            }
            (acknowledged, None)
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let config = app.process.config.clone();
    let (moved, verified) = yishe_server::migrate_to_postgres(config.clone(), &target.url)
        .await
        .expect("migrate-to-postgres");
    moving.store(false, std::sync::atomic::Ordering::Relaxed);
    let (acknowledged, refused) = sender.await.unwrap();
    assert!(!acknowledged.is_empty(), "writes went on until the move");
    // After the move, the server left running acknowledges nothing: refused by the
    // moved file's triggers (a fault of that server, so INTERNAL), or after waiting
    // for the lock longer than its writer does.
    let after = match refused {
        Some(refused) => refused,
        None => app
            .referrals(Some(&station.his_key))
            .create_referral(station.referral_request(&station.department, "after"))
            .await
            .expect_err("a write after the move is refused"),
    };
    assert!(
        matches!(
            after.code(),
            tonic::Code::Internal | tonic::Code::Unavailable
        ),
        "{after:?}"
    );
    assert!(verified.broken.is_none() && verified.verified >= chain_before.verified_records);

    // Every table, with as many rows as the file holds (which no longer changes).
    let tables = app
        .db
        .texts(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite%' AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .await
        .unwrap();
    assert_eq!(
        moved
            .tables
            .iter()
            .map(|(t, _)| t.clone())
            .collect::<Vec<_>>(),
        tables
    );
    let in_sqlite = table_rows(&app.db, &tables).await;
    assert_eq!(table_rows(&target, &tables).await, in_sqlite);
    for table in [
        "referrals",
        "assessments",
        "risk_flags",
        "audit_log",
        "audit_sightings",
        "referral_feed",
        "api_keys",
        "volunteers",
    ] {
        let rows = &in_sqlite.iter().find(|(t, _)| t == table).unwrap().1;
        assert_ne!(rows, "0", "{table} has rows to move");
    }

    // Once only: the file is marked as moved, and no server starts on it again.
    let again = yishe_server::migrate_to_postgres(config.clone(), &target.url)
        .await
        .unwrap_err();
    assert!(again.contains("already moved"), "{again}");
    app.stop().await;
    let url = app.db.url.clone();
    let restarted = yishe_runtime::Process::open(
        {
            let mut config = config.clone();
            config.database.database_url = url;
            config
        },
        yishe_runtime::Shutdown::new(),
        std::sync::Arc::new(yishe_domain::SystemClock),
    )
    .await
    .expect_err("a server on the moved file refuses to start")
    .to_string();
    assert!(restarted.contains("moved to PostgreSQL"), "{restarted}");

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
    for id in &acknowledged {
        read_referral(&moved_app, &station.his_key, id).await;
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
    let chain_after = sealed_chain(&moved_app, &station).await;
    assert!(chain_after.intact, "{chain_after:?}");
    assert!(
        chain_after.verified_records > chain_before.verified_records,
        "{chain_after:?} after {chain_before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_embedded_installation_moves_only_into_an_empty_postgres() {
    let Some(on_postgres) = TestApp::spawn(Engine::Postgres).await else {
        return;
    };
    let refused =
        yishe_server::migrate_to_postgres(on_postgres.process.config.clone(), &on_postgres.db.url)
            .await
            .unwrap_err();
    assert!(
        refused.contains("not on the embedded database"),
        "{refused}"
    );

    let app = TestApp::spawn(Engine::Sqlite).await.expect("SQLite");
    let station = Station::seed(&app).await;
    create_referral(&app, &station, "stays").await;
    let refused = yishe_server::migrate_to_postgres(app.process.config.clone(), "mysql://x")
        .await
        .unwrap_err();
    assert!(refused.contains("postgres://"), "{refused}");
    let refused = yishe_server::migrate_to_postgres(
        app.process.config.clone(),
        "postgres://nobody@127.0.0.1:1/x",
    )
    .await
    .unwrap_err();
    assert!(
        refused.contains("cannot connect to PostgreSQL"),
        "{refused}"
    );
    // A database a server already started on has rows: nothing is copied there, and
    // the file stays in service.
    let before = on_postgres
        .db
        .texts("SELECT count(*)::text FROM api_keys")
        .await
        .unwrap();
    let refused =
        yishe_server::migrate_to_postgres(app.process.config.clone(), &on_postgres.db.url)
            .await
            .unwrap_err();
    assert!(refused.contains("not empty"), "{refused}");
    assert_eq!(
        on_postgres
            .db
            .texts("SELECT count(*)::text FROM api_keys")
            .await
            .unwrap(),
        before
    );
    create_referral(&app, &station, "still-serving").await;
}
