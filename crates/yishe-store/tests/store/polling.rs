//! Lists in every order, page by page: each referral once, in order, even where many
//! share an update time (keyset pages on the time and the id), and `update_time>` /
//! `create_time>` bounds that are exclusive.

use yishe_domain::PageRequest;
use yishe_domain::referral::{ListFilter, ListOrder, ListScope, Referral};
use yishe_store::Store;
use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

/// Every page of the station's list in `order` under `filter`, two at a time.
async fn read_all(store: &Store, filter: &ListFilter, order: ListOrder) -> Vec<Referral> {
    let scope = ListScope::Station(station());
    let mut page = PageRequest::first(2);
    let mut all = Vec::new();
    loop {
        let got = store
            .list_committed_referrals(&scope, filter, page, order)
            .await
            .unwrap();
        assert!(got.items.len() <= 2);
        all.extend(got.items);
        match got.next_after {
            Some(after) => page.after = Some(after),
            None => return all,
        }
    }
}

async fn every_order_pages_through_ties_once(db: TestDatabase) {
    let store = open(&db).await;
    let onc = department(&store, "onc").await;
    let t0 = now();
    // Five changed at the same instant, two later; created in id order.
    let mut made = Vec::new();
    for i in 0..7 {
        let mut r = referral(&onc, &format!("p{i}"));
        r.updated_at = if i < 5 {
            t0
        } else {
            t0 + chrono::Duration::seconds(i)
        };
        insert(&store, &r).await;
        made.push(r);
    }
    let ids = |rs: &[Referral]| rs.iter().map(|r| r.id).collect::<Vec<_>>();
    let none = ListFilter::default();

    let mut by_update = made.clone();
    by_update.sort_by_key(|r| (r.updated_at, r.id));
    assert_eq!(
        ids(&read_all(&store, &none, ListOrder::UpdatedFirst).await),
        ids(&by_update)
    );
    by_update.reverse();
    assert_eq!(
        ids(&read_all(&store, &none, ListOrder::UpdatedLast).await),
        ids(&by_update)
    );
    assert_eq!(
        ids(&read_all(&store, &none, ListOrder::OldestFirst).await),
        ids(&made)
    );
    let mut newest = made.clone();
    newest.reverse();
    assert_eq!(
        ids(&read_all(&store, &none, ListOrder::NewestFirst).await),
        ids(&newest)
    );

    // `update_time>` is strictly after: the five at t0 are not "after t0".
    let changed = ListFilter {
        updated_after: Some(t0),
        ..ListFilter::default()
    };
    assert_eq!(
        ids(&read_all(&store, &changed, ListOrder::UpdatedFirst).await),
        ids(&made[5..])
    );
    // `create_time>` a time before them all, and after them all.
    let created = |at| ListFilter {
        created_after: Some(at),
        ..ListFilter::default()
    };
    let earlier = made[0].created_at - chrono::Duration::seconds(1);
    assert_eq!(
        read_all(&store, &created(earlier), ListOrder::OldestFirst)
            .await
            .len(),
        7
    );
    let later = made[6].created_at + chrono::Duration::seconds(1);
    assert!(
        read_all(&store, &created(later), ListOrder::NewestFirst)
            .await
            .is_empty()
    );
}

on_both_engines!(every_order_pages_through_ties_once);
