//! What ops sees: RED metrics per method, domain metrics, health, and the SLA watch.

use std::time::Duration;

use crate::support::{Engine, Station, TestApp, create_referral, e2e, referral_of};
use tokio_stream::StreamExt;
use yishe_proto::common;
use yishe_proto::referral::*;
use yishe_testserver::http_get;

async fn metrics_show_calls_and_referrals_but_no_patient(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let mut his = app.referrals(Some(&station.his_key));
    his.get_referral(GetReferralRequest {
        referral_id: created.id.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let _ = his
        .get_referral(GetReferralRequest {
            referral_id: "bad".into(),
            ..Default::default()
        })
        .await;
    let _ = app
        .referrals(None)
        .list_referrals(ListReferralsRequest::default())
        .await;

    let text = app.metrics().await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    for expected in [
        r#"grpc_server_started_total{grpc_method="CreateReferral",grpc_service="yishe.referral.v1.ReferralService"} 1"#,
        r#"grpc_server_handled_total{grpc_code="OK",grpc_method="GetReferral",grpc_service="yishe.referral.v1.ReferralService"} 1"#,
        r#"grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",grpc_method="GetReferral",grpc_service="yishe.referral.v1.ReferralService"} 1"#,
        r#"grpc_server_handled_total{grpc_code="UNAUTHENTICATED",grpc_method="ListReferrals",grpc_service="yishe.referral.v1.ReferralService"} 1"#,
        r#"grpc_server_handling_seconds_count{grpc_method="CreateReferral",grpc_service="yishe.referral.v1.ReferralService"} 1"#,
        r#"yishe_referrals_created_total{priority="URGENT",reason="FINANCIAL_HARDSHIP",station="s1"} 1"#,
        r#"yishe_referrals_open{station="s1",status="REQUESTED"} 1"#,
        r#"yishe_db_acquire_waiting{pool="writer"} 0"#,
        r#"yishe_feed_watchers 0"#,
        r#"yishe_audit_unsealed_oldest_seconds "#,
        concat!(
            r#"yishe_build_info{version=""#,
            env!("CARGO_PKG_VERSION"),
            r#""} 1"#
        ),
    ] {
        assert!(text.contains(expected), "missing {expected}");
    }
    let patient = station
        .referral_request(&station.department, "x")
        .referral
        .unwrap()
        .patient
        .unwrap();
    for secret in [
        &patient.name,
        &patient.his_patient_id,
        &patient.phone,
        &created.id,
    ] {
        assert!(
            !text.contains(secret.as_str()),
            "metrics must not carry {secret}"
        );
    }

    let health = http_get(app.http_addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
}

async fn accepting_records_the_time_to_accept(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    app.referrals(Some(&station.worker_key))
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id,
            etag: created.etag,
        })
        .await
        .unwrap();
    let text = app.metrics().await;
    assert!(
        text.contains(
            r#"yishe_referral_time_to_accept_seconds_count{priority="URGENT",station="s1"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"yishe_referrals_open{station="s1",status="ACCEPTED"} 1"#));
    // Every write waited for its connection, and was timed doing so.
    let waits =
        yishe_testserver::metric_value(&text, r#"yishe_db_acquire_seconds_count{pool="writer"}"#);
    assert!(waits >= 2.0, "the create and the accept: {waits}");
    let max = yishe_testserver::metric_value(&text, r#"yishe_db_connections_max{pool="writer"}"#);
    assert!(max >= 1.0);
}

e2e!(
    metrics_show_calls_and_referrals_but_no_patient,
    accepting_records_the_time_to_accept,
    a_missed_deadline_is_marked_once,
    an_operator_makes_a_new_admin_key,
);

/// A referral still REQUESTED at its deadline is marked breached once: an event on the
/// feed and a metric. The test moves the server's clock past the deadline.
async fn a_missed_deadline_is_marked_once(app: TestApp, station: Station) {
    let mut events = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    let created = create_referral(&app, &station, "late").await;
    assert_eq!(created.priority(), common::Priority::Urgent);
    // URGENT referrals are to be accepted within a day.
    app.clock.advance(Duration::from_secs(24 * 3600 + 1));
    let mut types = Vec::new();
    while types.len() < 2 {
        let e = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
            .into_event()
            .unwrap();
        assert_eq!(e.referral_id, created.id);
        types.push(e.r#type());
    }
    assert_eq!(
        types,
        vec![ReferralEventType::Created, ReferralEventType::SlaBreached]
    );
    let read = referral_of(&mut app.referrals(Some(&station.his_key)), &created.id).await;
    assert!(read.sla_breached);
    assert_eq!(read.status(), ReferralStatus::Requested);
    let breached_once = r#"yishe_referral_sla_breaches_total{priority="URGENT",station="s1"} 1"#;
    assert!(app.metrics().await.contains(breached_once));
    // Breached once, not at every later check (the watch looks every second in tests).
    app.clock.advance(Duration::from_secs(24 * 3600));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(app.metrics().await.contains(breached_once));
}

/// Past `max_concurrent_requests`, a call is refused at once with RESOURCE_EXHAUSTED
/// rather than queued. The SQLite writer, held here, keeps one call in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overloaded_server_sheds_calls_at_once() {
    let app = TestApp::spawn_with(Engine::Sqlite, |c| c.server.max_concurrent_requests = 1)
        .await
        .unwrap();
    let station = Station::seed(&app).await;
    let created = create_referral(&app, &station, "m1").await;

    let writer = app.process.store.begin().await.unwrap();
    let mut busy = app.referrals(Some(&station.his_key));
    let id = created.id.clone();
    let in_flight = tokio::spawn(async move {
        busy.get_referral(GetReferralRequest {
            referral_id: id,
            ..Default::default()
        })
        .await
    });
    // Give the first call time to reach the server and wait for the writer.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let shed = app
        .referrals(Some(&station.his_key))
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await;
    let shed = shed.unwrap_err();
    assert_eq!(
        crate::support::refused(&shed),
        (tonic::Code::ResourceExhausted, "OVERLOADED".into())
    );
    {
        use tonic_types::StatusExt;
        let retry = shed.get_details_retry_info().expect("a retry hint");
        assert_eq!(retry.retry_delay, Some(Duration::from_secs(1)));
    }

    drop(writer);
    let answered = in_flight
        .await
        .unwrap()
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(answered.id, created.id);
    assert!(
        app.metrics()
            .await
            .contains(r#"grpc_code="RESOURCE_EXHAUSTED""#)
    );
}

/// With `max_connection_age_secs`, a connection is asked to go away once it is that old
/// and its calls get the grace period: a watch of the feed ends then (the client
/// resumes from its cursor, on whichever replica it reaches), so long-lived clients
/// spread over replicas instead of staying on the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_connection_is_asked_to_reconnect() {
    let Some(app) = TestApp::spawn_with(Engine::Sqlite, |c| {
        // Long enough for the seed's calls to finish on the first connection.
        c.server.max_connection_age_secs = 3;
        c.server.max_connection_age_grace_secs = 1;
        c.referral.feed_checkpoint_interval_secs = 1;
    })
    .await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    let mut events = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    let opened = std::time::Instant::now();
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match events.next().await {
                Some(Ok(_)) => continue,
                Some(Err(status)) => return Some(status),
                None => return None,
            }
        }
    })
    .await
    .expect("the stream ends once the connection is past its age and grace");
    // Not before the connection's age (it opened just before the watch); cut at the
    // end of the grace like any dropped connection, which a watcher resumes from.
    assert!(
        opened.elapsed() >= Duration::from_secs(1),
        "not before the connection's age: {:?} ({ended:?})",
        opened.elapsed()
    );
    assert!(ended.is_some(), "the client sees the connection end");
    // A new connection is served as before. A call that raced the old connection's
    // closing is refused at once (CANCELLED or UNAVAILABLE), as a client sees when any
    // connection drops; the resend, with the same request id, is served.
    let mut referrals = app.referrals(Some(&station.his_key));
    let mut answers = Vec::new();
    for _ in 0..10 {
        let request = station.referral_request(&station.department, "after-goaway");
        match referrals.create_referral(request).await {
            Ok(created) => {
                assert!(!created.into_inner().referral.unwrap().id.is_empty());
                return;
            }
            Err(status) => answers.push(status.code()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never served after the connection's age: {answers:?}");
}

/// `yishe-server admin-key`, for when the first station-admin key is lost or out of
/// reach (a container's volume): a new key for the installation's station, shown once,
/// that works at once beside the first, and is in the key list for the admin to see.
async fn an_operator_makes_a_new_admin_key(app: TestApp, _station: Station) {
    let (secret, station) = yishe_server::admin_key(app.process.config.clone())
        .await
        .expect("a key is made");
    assert_eq!(station, "s1");
    assert!(secret.starts_with("ysk_"));
    let keys = app
        .directory(Some(&secret))
        .list_api_keys(yishe_proto::directory::ListApiKeysRequest::default())
        .await
        .expect("the new key works at once")
        .into_inner()
        .api_keys;
    let admins: Vec<&str> = keys
        .iter()
        .filter(|k| k.role == yishe_proto::directory::Role::StationAdmin as i32)
        .map(|k| k.display_name.as_str())
        .collect();
    assert!(
        admins.contains(&"station admin (yishe-server admin-key)") && admins.len() >= 2,
        "{admins:?}"
    );
}
