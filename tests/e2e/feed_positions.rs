//! Where a watch starts and what it passes on, as an HIS integrator uses them: from
//! now, filtered by department or event type, checkpoints while idle that advance the
//! cursor past what the watch skips, a reconnect from a checkpoint that misses
//! nothing, and clear refusals for cursors the feed cannot serve.

use std::time::Duration;

use crate::support::{
    Engine, Station, Stream, TestApp, accept, bad_fields, create_other_referral, create_referral,
    error_metadata, next_event, next_item, refusal,
};
use tokio_stream::StreamExt;
use yishe_proto::referral::watch_referral_events_response::Item;
use yishe_proto::referral::*;

async fn open(app: &TestApp, key: &str, request: WatchReferralEventsRequest) -> Stream {
    app.referrals(Some(key))
        .watch_referral_events(request)
        .await
        .expect("watch")
        .into_inner()
}

/// A server whose idle watches send a checkpoint every second.
async fn app_with_quick_checkpoints(engine: Engine) -> Option<(TestApp, Station)> {
    let app = TestApp::spawn_with(engine, |c| c.referral.feed_checkpoint_interval_secs = 1).await?;
    let station = Station::seed(&app).await;
    Some((app, station))
}

async fn a_watch_from_now_filtered_by_department_checkpoints_and_resumes(engine: Engine) {
    let Some((app, station)) = app_with_quick_checkpoints(engine).await else {
        return;
    };
    let before = create_referral(&app, &station, "before").await;
    // Once the relay moved it, the feed's head is at least its event.
    let mut everything = open(
        &app,
        &station.supervisor_key,
        WatchReferralEventsRequest::after(0),
    )
    .await;
    let Item::Event(first) = next_item(&mut everything).await else {
        panic!("the earlier referral's event first");
    };
    assert_eq!(first.referral_id, before.id);

    // The supervisor follows the other department only, from now.
    let from_now = WatchReferralEventsRequest {
        start_at: Some(watch_referral_events_request::StartAt::From(
            FeedStart::Now as i32,
        )),
        department_ids: vec![station.other_department.clone()],
        ..Default::default()
    };
    let mut watch = open(&app, &station.supervisor_key, from_now.clone()).await;
    let Item::Checkpoint(start) = next_item(&mut watch).await else {
        panic!("a watch from now starts with its position");
    };
    assert!(start.sequence >= first.sequence, "{start:?} is at the head");
    assert!(start.send_time.is_some());

    // An event of the filtered-out department: skipped, but the idle checkpoint that
    // follows is past it, so a reconnect will not read it again.
    create_referral(&app, &station, "skipped").await;
    let Item::Event(skipped) = next_item(&mut everything).await else {
        panic!("the unfiltered watch sees it");
    };
    let Item::Checkpoint(idle) = next_item(&mut watch).await else {
        panic!("the filtered watch sees no event of the first department");
    };
    assert!(
        idle.sequence >= skipped.sequence,
        "{idle:?} passed {skipped:?}"
    );

    let theirs = create_other_referral(&app, &station, "theirs").await;
    let seen = next_event(&mut watch).await;
    assert_eq!(
        (seen.referral_id.as_str(), seen.department_id.as_str()),
        (theirs.id.as_str(), station.other_department.as_str())
    );

    // Gone between two events; reconnecting from the last position misses nothing and
    // repeats nothing.
    drop(watch);
    let later = create_other_referral(&app, &station, "later").await;
    let resumed_request = WatchReferralEventsRequest {
        start_at: Some(watch_referral_events_request::StartAt::AfterSequence(
            seen.sequence,
        )),
        ..from_now
    };
    let mut resumed = open(&app, &station.supervisor_key, resumed_request).await;
    let Item::Event(again) = next_item(&mut resumed).await else {
        panic!("the event created while away comes first");
    };
    assert_eq!(again.referral_id, later.id);
    match next_item(&mut resumed).await {
        Item::Checkpoint(c) => assert!(c.sequence >= again.sequence),
        Item::Event(extra) => panic!("nothing else passes the filter: {extra:?}"),
    }
}

async fn a_watch_filtered_by_event_type_passes_only_those(app: TestApp, station: Station) {
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let a = create_referral(&app, &station, "a").await;
    let b = create_referral(&app, &station, "b").await;
    accept(&mut supervisor, &b).await;
    accept(&mut supervisor, &a).await;
    let request = WatchReferralEventsRequest {
        event_types: vec![ReferralEventType::Accepted as i32],
        ..WatchReferralEventsRequest::after(0)
    };
    let mut watch = open(&app, &station.his_key, request).await;
    let mut accepted = Vec::new();
    for _ in 0..2 {
        match next_item(&mut watch).await {
            Item::Event(event) => {
                assert_eq!(event.r#type(), ReferralEventType::Accepted);
                accepted.push(event.referral_id);
            }
            Item::Checkpoint(c) => panic!("two events are due before any checkpoint: {c:?}"),
        }
    }
    assert_eq!(accepted, vec![b.id, a.id]);
}

async fn cursors_the_feed_cannot_serve_are_refused_plainly(app: TestApp, station: Station) {
    create_referral(&app, &station, "a").await;
    let mut his = app.referrals(Some(&station.his_key));
    // A cursor from a database restored from an older backup, or another installation.
    // The refusal comes on the stream, after the call has started: still in the
    // caller's language.
    let mut request = tonic::Request::new(WatchReferralEventsRequest::after(1_000_000));
    request
        .metadata_mut()
        .insert("accept-language", "zh-CN".parse().unwrap());
    let mut ahead = his
        .watch_referral_events(request)
        .await
        .unwrap()
        .into_inner();
    let refused = tokio::time::timeout(Duration::from_secs(10), ahead.next())
        .await
        .expect("an answer within 10 s")
        .expect("a status");
    assert_eq!(
        refusal(&refused),
        (
            tonic::Code::FailedPrecondition,
            "CURSOR_AHEAD_OF_FEED".into()
        )
    );
    {
        use tonic_types::StatusExt;
        let localized = refused
            .as_ref()
            .unwrap_err()
            .get_details_localized_message()
            .unwrap();
        assert_eq!(localized.locale, "zh-CN", "{localized:?}");
    }
    let head: u64 = error_metadata(&refused, "head_sequence")
        .expect("the head is named")
        .parse()
        .unwrap();
    // 0 or 1: the relay may not have moved the referral's event yet.
    assert!(head <= 1, "{head}");

    let bad = his
        .watch_referral_events(WatchReferralEventsRequest {
            department_ids: vec!["ward 7".into()],
            event_types: vec![0],
            start_at: Some(watch_referral_events_request::StartAt::From(7)),
        })
        .await;
    assert_eq!(
        refusal(&bad),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
    let mut fields = bad_fields(&bad.unwrap_err());
    fields.sort();
    assert_eq!(fields, vec!["department_ids[0]", "event_types[0]", "from"]);
}

crate::support::e2e!(
    a_watch_filtered_by_event_type_passes_only_those,
    cursors_the_feed_cannot_serve_are_refused_plainly,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_watch_from_now_filtered_by_department_checkpoints_and_resumes() {
    a_watch_from_now_filtered_by_department_checkpoints_and_resumes(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_watch_from_now_filtered_by_department_checkpoints_and_resumes() {
    a_watch_from_now_filtered_by_department_checkpoints_and_resumes(Engine::Postgres).await
}

/// Events past the feed's retention leave it; a watch resuming before what is left is
/// told its cursor expired (with the oldest sequence kept), one from the beginning
/// starts at the oldest kept.
async fn a_cursor_older_than_the_feed_keeps_expires(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| {
        c.retention.feed_retention_days = 30;
        c.retention.retention_interval_secs = 1;
    })
    .await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    for name in ["a", "b", "c"] {
        create_referral(&app, &station, name).await;
    }
    let mut all = open(
        &app,
        &station.supervisor_key,
        WatchReferralEventsRequest::after(0),
    )
    .await;
    let mut sequences = Vec::new();
    for _ in 0..3 {
        let Item::Event(event) = next_item(&mut all).await else {
            panic!("three events");
        };
        sequences.push(event.sequence);
    }
    drop(all);

    // A month and a day later the retention job has removed all but the newest (the
    // referrals' SLA breaches among the newer events by then).
    app.clock.advance(Duration::from_secs(31 * 24 * 3600));
    let store = app.process.store.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let oldest = loop {
        let (oldest, head) = store.feed_bounds().await.unwrap();
        if oldest == head && oldest > sequences[2] {
            // Settled: nothing newer comes (each referral breaches once).
            tokio::time::sleep(Duration::from_millis(1500)).await;
            if store.feed_bounds().await.unwrap() == (oldest, head) {
                break oldest;
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "pruned within 15 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    let mut stale = open(
        &app,
        &station.supervisor_key,
        WatchReferralEventsRequest::after(sequences[0]),
    )
    .await;
    let refused = tokio::time::timeout(Duration::from_secs(10), stale.next())
        .await
        .expect("an answer within 10 s")
        .expect("a status");
    assert_eq!(
        refusal(&refused),
        (tonic::Code::FailedPrecondition, "CURSOR_EXPIRED".into())
    );
    assert_eq!(
        error_metadata(&refused, "oldest_sequence"),
        Some(oldest.to_string())
    );

    // Right before the oldest kept is still a valid cursor; so is the beginning.
    for request in [
        WatchReferralEventsRequest::after(oldest - 1),
        WatchReferralEventsRequest::default(),
    ] {
        let mut watch = open(&app, &station.supervisor_key, request).await;
        let Item::Event(event) = next_item(&mut watch).await else {
            panic!("the oldest kept event");
        };
        assert_eq!(event.sequence, oldest);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_cursor_older_than_the_feed_keeps_expires() {
    a_cursor_older_than_the_feed_keeps_expires(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_cursor_older_than_the_feed_keeps_expires() {
    a_cursor_older_than_the_feed_keeps_expires(Engine::Postgres).await
}
