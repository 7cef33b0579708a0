//! The referral feed as a watcher sees it: ordered, filtered to what it may see, and
//! exactly once across a disconnect and a resume.

use std::time::Duration;

use crate::support::{Engine, Station, TestApp, create_other_referral, create_referral, e2e};
use tokio_stream::StreamExt;
use yishe_proto::referral::*;

type Events = tonic::Streaming<WatchReferralEventsResponse>;

async fn watch(app: &TestApp, key: &str, after: u64) -> Events {
    app.referrals(Some(key))
        .watch_referral_events(WatchReferralEventsRequest::after(after))
        .await
        .unwrap()
        .into_inner()
}

async fn next(events: &mut Events) -> ReferralEvent {
    tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("an event within 10 s")
        .expect("the stream is open")
        .expect("no error")
        .into_event()
        .unwrap()
}

async fn a_resumed_watcher_sees_every_event_exactly_once(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut worker = app.referrals(Some(&station.worker_key));
    let mut events = watch(&app, &station.his_key, 0).await;

    let a = create_referral(&app, &station, "a").await;
    let first = next(&mut events).await;
    assert_eq!(
        (first.r#type(), first.referral_id.as_str()),
        (ReferralEventType::Created, a.id.as_str())
    );
    let accepted = worker
        .accept_referral(AcceptReferralRequest {
            referral_id: a.id.clone(),
            etag: a.etag.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let second = next(&mut events).await;
    assert_eq!(second.r#type(), ReferralEventType::Accepted);
    assert_eq!(second.status(), ReferralStatus::Accepted);
    assert!(second.sequence > first.sequence);
    // Each event names the referral's etag and update time after it: a watcher that
    // holds them needs no read.
    assert_eq!(
        (first.etag.as_str(), second.etag.as_str()),
        (a.etag.as_str(), accepted.etag.as_str())
    );
    assert_eq!(second.update_time, accepted.update_time);

    // The watcher goes away; the world moves on.
    drop(events);
    let cursor = second.sequence;
    let b = create_referral(&app, &station, "b").await;
    his.cancel_referral(CancelReferralRequest {
        referral_id: a.id.clone(),
        etag: accepted.etag,
        note: "transferred to another hospital".into(),
        kind: CancelKind::Withdraw as i32,
        ..Default::default()
    })
    .await
    .unwrap();
    let c = create_referral(&app, &station, "c").await;

    let mut resumed = watch(&app, &station.his_key, cursor).await;
    let mut got = Vec::new();
    for _ in 0..3 {
        let e = next(&mut resumed).await;
        got.push((e.r#type(), e.referral_id.clone(), e.sequence));
    }
    assert_eq!(
        got.iter()
            .map(|(t, id, _)| (*t, id.clone()))
            .collect::<Vec<_>>(),
        vec![
            (ReferralEventType::Created, b.id.clone()),
            (ReferralEventType::Cancelled, a.id.clone()),
            (ReferralEventType::Created, c.id.clone()),
        ]
    );
    assert!(
        got.windows(2).all(|w| w[0].2 < w[1].2),
        "strictly increasing sequences"
    );
    assert!(
        got[0].2 > cursor,
        "nothing at or before the cursor is repeated"
    );
    // Nothing more is pending.
    let more = tokio::time::timeout(Duration::from_millis(600), resumed.next()).await;
    assert!(more.is_err(), "no further event: {more:?}");
}

async fn the_department_sees_no_worker_ids_in_events(app: TestApp, station: Station) {
    let mut his_events = watch(&app, &station.his_key, 0).await;
    let mut station_events = watch(&app, &station.supervisor_key, 0).await;
    let created = create_referral(&app, &station, "a").await;
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag,
            social_worker_id: station.worker.clone(),
        })
        .await
        .unwrap();
    for _ in 0..2 {
        next(&mut his_events).await;
        next(&mut station_events).await;
    }
    let for_department = next(&mut his_events).await;
    let for_station = next(&mut station_events).await;
    assert_eq!(for_department.r#type(), ReferralEventType::Assigned);
    assert_eq!(for_department.assigned_worker_id, "");
    assert_eq!(for_station.assigned_worker_id, station.worker);
}

async fn watchers_see_only_their_own_referrals(app: TestApp, station: Station) {
    let mut mine = watch(&app, &station.his_key, 0).await;
    let mut theirs = watch(&app, &station.other_his_key, 0).await;
    let mut supervisor = watch(&app, &station.supervisor_key, 0).await;

    let own = create_referral(&app, &station, "own").await;
    let other = create_other_referral(&app, &station, "theirs").await;

    assert_eq!(next(&mut mine).await.referral_id, own.id);
    assert_eq!(next(&mut theirs).await.referral_id, other.id);
    let seen: Vec<_> = vec![
        next(&mut supervisor).await.referral_id,
        next(&mut supervisor).await.referral_id,
    ];
    assert_eq!(seen, vec![own.id, other.id]);
    let extra = tokio::time::timeout(Duration::from_millis(600), mine.next()).await;
    assert!(extra.is_err(), "the HIS sees no other department's event");
}

/// On shutdown an open watch ends with UNAVAILABLE (reason SHUTTING_DOWN, a retry
/// hint), not OK: a client can tell a server going away from the end of the feed, and
/// reconnects from its last sequence.
async fn a_shutdown_ends_open_watches_with_unavailable(app: TestApp, station: Station) {
    create_referral(&app, &station, "m1").await;
    let mut events = watch(&app, &station.supervisor_key, 0).await;
    next(&mut events).await;
    app.shutdown.trigger();
    let ended = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("the stream ends within 10 s")
        .expect("with a status, not a clean end");
    let status = ended.unwrap_err();
    assert_eq!(
        crate::support::refused(&status),
        (tonic::Code::Unavailable, "SHUTTING_DOWN".into())
    );
    use tonic_types::StatusExt;
    assert!(status.get_details_retry_info().is_some());
}

e2e!(
    a_resumed_watcher_sees_every_event_exactly_once,
    a_shutdown_ends_open_watches_with_unavailable,
    watchers_see_only_their_own_referrals,
    the_department_sees_no_worker_ids_in_events,
);

/// With a tail of three events, a watcher from the start of the feed reads the
/// database until it reaches the tail, then the tail, then live events: each once,
/// in order; one resuming in the middle does the same.
async fn a_watcher_behind_the_tail_catches_up_exactly_once(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| c.referral.feed_tail_events = 3).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let mut created = Vec::new();
    for i in 0..8 {
        created.push(create_referral(&app, &station, &format!("c{i}")).await.id);
    }
    let mut events = watch(&app, &station.supervisor_key, 0).await;
    let mut seen = Vec::new();
    for _ in 0..8 {
        seen.push(next(&mut events).await);
    }
    for i in 8..10 {
        created.push(create_referral(&app, &station, &format!("c{i}")).await.id);
        seen.push(next(&mut events).await);
    }
    let ids: Vec<_> = seen.iter().map(|e| e.referral_id.clone()).collect();
    assert_eq!(ids, created);
    let sequences: Vec<_> = seen.iter().map(|e| e.sequence).collect();
    assert!(
        sequences.windows(2).all(|w| w[1] == w[0] + 1),
        "in order, none skipped or repeated: {sequences:?}"
    );
    let extra = tokio::time::timeout(Duration::from_millis(600), events.next()).await;
    assert!(extra.is_err(), "nothing more: {extra:?}");

    let mut resumed = watch(&app, &station.supervisor_key, seen[3].sequence).await;
    let mut rest = Vec::new();
    for _ in 4..10 {
        rest.push(next(&mut resumed).await.referral_id);
    }
    assert_eq!(rest, created[4..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_watcher_behind_the_tail_catches_up_exactly_once() {
    a_watcher_behind_the_tail_catches_up_exactly_once(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_watcher_behind_the_tail_catches_up_exactly_once() {
    a_watcher_behind_the_tail_catches_up_exactly_once(Engine::Postgres).await
}
