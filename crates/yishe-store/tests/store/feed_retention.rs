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

on_both_engines!(old_events_leave_but_the_newest_stays);
