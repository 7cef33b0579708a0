//! The feed past its retention: old events go, the newest always stays (the next
//! sequence follows from it, so sequences never restart), and the bounds a watcher is
//! checked against move with them.

use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

async fn old_events_leave_but_the_newest_stays(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    insert_many(&store, &d, 3).await;
    assert_eq!(store.relay_events(100).await.unwrap(), 3);
    assert_eq!(store.feed_bounds().await.unwrap(), (1, 3));

    // Nothing relayed before an hour ago.
    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    assert_eq!(store.prune_feed(an_hour_ago, 100).await.unwrap(), 0);

    // Everything relayed before a minute from now: in batches, all but the newest.
    let soon = chrono::Utc::now() + chrono::Duration::minutes(1);
    assert_eq!(store.prune_feed(soon, 1).await.unwrap(), 1);
    assert_eq!(store.prune_feed(soon, 100).await.unwrap(), 1);
    assert_eq!(store.prune_feed(soon, 100).await.unwrap(), 0);
    assert_eq!(store.feed_bounds().await.unwrap(), (3, 3));
    assert_eq!(store.feed_after(0, 100).await.unwrap().len(), 1);

    // The sequence goes on from the newest kept.
    insert(&store, &referral(&d, "later")).await;
    assert_eq!(store.relay_events(100).await.unwrap(), 1);
    assert_eq!(store.feed_bounds().await.unwrap(), (3, 4));
}

/// Relay times need not rise with sequences (relays on hosts whose clocks differ,
/// times backfilled from when events occurred): only a prefix goes, so what is kept
/// has no holes a watcher could fall through.
async fn only_a_prefix_of_the_feed_leaves(db: TestDatabase) {
    let store = open(&db).await;
    let d = department(&store, "onc").await;
    insert_many(&store, &d, 4).await;
    assert_eq!(store.relay_events(100).await.unwrap(), 4);
    db.execute(&[
        "UPDATE referral_feed SET relayed_at = '2999-01-01T00:00:00+00:00' WHERE sequence = 2",
    ])
    .await
    .unwrap();
    let soon = chrono::Utc::now() + chrono::Duration::minutes(1);
    assert_eq!(store.prune_feed(soon, 100).await.unwrap(), 1);
    assert_eq!(store.feed_bounds().await.unwrap(), (2, 4));
    let kept: Vec<_> = store
        .feed_after(0, 100)
        .await
        .unwrap()
        .iter()
        .filter_map(|e| e.sequence)
        .collect();
    assert_eq!(kept, [2, 3, 4], "no hole after the late-stamped event");
}

on_both_engines!(
    old_events_leave_but_the_newest_stays,
    only_a_prefix_of_the_feed_leaves
);
