//! PostgreSQL misbehaving under Yishe: restarted while referrals are being created
//! (calls during the outage fail fast with UNAVAILABLE, the server reconnects by itself,
//! and every create it acknowledged is there afterwards), and every write connection
//! held by slow writes (the next write is answered RESOURCE_EXHAUSTED within the acquire
//! timeout rather than queued without end).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sqlx::Connection;
use yishe_proto::referral::GetReferralRequest;

use crate::support::{Engine, Station, TestApp, refusal};

/// What one writer saw: the referrals acknowledged, and each failure's code and how
/// long the call took to fail.
#[derive(Debug, Default)]
struct Seen {
    acknowledged: Vec<String>,
    failures: Vec<(tonic::Code, Duration)>,
}

/// Creates referrals one after another until `stop`, each call given 15 s.
async fn write_until(
    app: &TestApp,
    station: &Station,
    writer: usize,
    stop: Arc<AtomicBool>,
) -> Seen {
    let mut seen = Seen::default();
    let mut referrals = app.referrals(Some(&station.his_key));
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let request = station.referral_request(&station.department, &format!("w{writer}-{n}"));
        let started = Instant::now();
        match tokio::time::timeout(Duration::from_secs(15), referrals.create_referral(request))
            .await
        {
            Ok(Ok(created)) => seen
                .acknowledged
                .push(created.into_inner().referral.unwrap().id),
            Ok(Err(status)) => seen.failures.push((status.code(), started.elapsed())),
            Err(_) => seen
                .failures
                .push((tonic::Code::DeadlineExceeded, started.elapsed())),
        }
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_load_loses_no_acknowledged_create() {
    // A cluster of this test's own: the machine's server is every other test's too.
    let cluster = match yishe_testserver::Cluster::start() {
        Ok(cluster) => Arc::new(cluster),
        Err(error) => {
            let message = format!("SKIPPED: no PostgreSQL cluster of the test's own: {error}");
            assert!(
                std::env::var_os("YISHE_REQUIRE_POSTGRES").is_none(),
                "{message}"
            );
            eprintln!("\n*** {message} ***\n");
            return;
        }
    };
    let url = cluster.url();
    let Some(app) = TestApp::spawn_with(Engine::Postgres, |c| c.database.database_url = url).await
    else {
        return;
    };
    let app = Arc::new(app);
    let station = Arc::new(Station::seed(&app).await);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (app, station, stop) = (app.clone(), station.clone(), stop.clone());
            tokio::spawn(async move { write_until(&app, &station, writer, stop).await })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    let restarting = cluster.clone();
    tokio::task::spawn_blocking(move || restarting.stop())
        .await
        .unwrap()
        .expect("pg_ctl stop");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let restarting = cluster.clone();
    tokio::task::spawn_blocking(move || restarting.resume())
        .await
        .unwrap()
        .expect("pg_ctl start");

    // Nobody restarts Yishe: it reconnects by itself.
    let mut probe = app.referrals(Some(&station.his_key));
    let back = Instant::now();
    loop {
        let request = station.referral_request(&station.department, "after-restart");
        match probe.create_referral(request).await {
            Ok(_) => break,
            Err(status) => assert!(
                back.elapsed() < Duration::from_secs(20),
                "still failing 20 s after PostgreSQL came back: {status:?}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);

    let mut acknowledged = Vec::new();
    let mut failures = Vec::new();
    for writer in writers {
        let seen = writer.await.unwrap();
        acknowledged.extend(seen.acknowledged);
        failures.extend(seen.failures);
    }
    assert!(!failures.is_empty(), "the writers saw the outage");
    for (code, took) in &failures {
        assert_eq!(*code, tonic::Code::Unavailable, "failures: {failures:?}");
        // The acquire timeout (2 s) and a reconnect attempt, not a hang.
        assert!(*took < Duration::from_secs(6), "failures: {failures:?}");
    }
    assert!(
        acknowledged.len() > 10,
        "{} acknowledged",
        acknowledged.len()
    );
    let mut reader = app.referrals(Some(&station.his_key));
    for id in &acknowledged {
        reader
            .get_referral(GetReferralRequest {
                referral_id: id.clone(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("acknowledged {id} is gone: {e:?}"));
    }
}

/// The server's write connections in use, as its metrics show them (read from its store:
/// `/metrics` also counts referrals, which waits for the table's lock).
fn writer_connections_in_use(app: &TestApp) -> Option<u32> {
    app.process
        .store
        .pools()
        .iter()
        .find(|pool| pool.pool == "writer")
        .map(|pool| pool.in_use)
}

/// Sixteen creates wait on a table another session holds, each holding one of the
/// process's sixteen write connections: the seventeenth is answered RESOURCE_EXHAUSTED
/// (`DATABASE_BUSY`, with a RetryInfo) once the acquire timeout passes, and the sixteen
/// complete once the table is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_held_by_a_slow_database_are_refused_after_the_acquire_timeout() {
    // No SLA watch while the table is held: its transaction would queue for a write
    // connection beside the creates.
    let Some(app) = TestApp::spawn_with(Engine::Postgres, |c| {
        c.referral.sla_check_interval_secs = 3600;
    })
    .await
    else {
        return;
    };
    let app = Arc::new(app);
    let station = Arc::new(Station::seed(&app).await);
    let mut holder = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
    sqlx::query("LOCK TABLE referrals IN ACCESS EXCLUSIVE MODE")
        .execute(&mut holder)
        .await
        .unwrap();

    let held: Vec<_> = (0..16)
        .map(|n| {
            let (app, station) = (app.clone(), station.clone());
            tokio::spawn(async move {
                let request = station.referral_request(&station.department, &format!("held-{n}"));
                app.referrals(Some(&station.his_key))
                    .create_referral(request)
                    .await
            })
        })
        .collect();
    // Each create holds its write connection while it waits on the lock, alone or in
    // a batch of creates (whose statement one session runs for several).
    let mut watcher = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
    let waiting_on_the_lock = "SELECT COUNT(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'";
    let started = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(waiting_on_the_lock)
            .fetch_one(&mut watcher)
            .await
            .unwrap();
        let held = writer_connections_in_use(&app);
        if waiting >= 1 && held == Some(16) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{waiting} waiting on the lock, {held:?} write connections held"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let asked = Instant::now();
    let refused = app
        .referrals(Some(&station.his_key))
        .create_referral(station.referral_request(&station.department, "one-too-many"))
        .await;
    let took = asked.elapsed();
    assert_eq!(
        refusal(&refused),
        (tonic::Code::ResourceExhausted, "DATABASE_BUSY".into())
    );
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(5),
        "answered after the acquire timeout (2 s), not at once and not never: {took:?}"
    );
    use tonic_types::StatusExt;
    assert!(refused.unwrap_err().get_details_retry_info().is_some());

    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    for create in held {
        create
            .await
            .unwrap()
            .expect("each held create completes once the table is free");
    }
}
