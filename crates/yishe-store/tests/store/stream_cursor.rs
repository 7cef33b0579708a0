//! The event stream's cursor: advanced only from where the caller read it, so two
//! relay leaders publishing at once can never move it back.

use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

async fn the_cursor_moves_only_from_where_it_stands(db: TestDatabase) {
    let store = open(&db).await;
    assert_eq!(store.stream_cursor("jetstream").await.unwrap(), 0);
    assert!(
        store
            .advance_stream_cursor("jetstream", 0, 5)
            .await
            .unwrap()
    );
    // A second leader that also read 0 is refused, and changes nothing.
    assert!(
        !store
            .advance_stream_cursor("jetstream", 0, 7)
            .await
            .unwrap()
    );
    assert_eq!(store.stream_cursor("jetstream").await.unwrap(), 5);
    assert!(
        store
            .advance_stream_cursor("jetstream", 5, 9)
            .await
            .unwrap()
    );
    assert!(
        !store
            .advance_stream_cursor("jetstream", 5, 12)
            .await
            .unwrap()
    );
    assert_eq!(store.stream_cursor("jetstream").await.unwrap(), 9);
    // Each stream has a cursor of its own.
    assert_eq!(store.stream_cursor("another").await.unwrap(), 0);
}

on_both_engines!(the_cursor_moves_only_from_where_it_stands);
