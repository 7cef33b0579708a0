//! The department's side of a test: a watch of the referral feed, read up to an event,
//! and the changes a department makes that put an event on it (so a test can prove
//! that nothing it must not see came before).

use std::time::Duration;

use yishe_proto::referral::{
    CancelKind, CancelReferralRequest, GetReferralRequest, Referral, ReferralEvent,
    ReferralEventType, UpdateReferralRequest, WatchReferralEventsRequest,
    WatchReferralEventsResponse,
};

use crate::{Station, TestApp};

/// A watch of the feed from its start.
pub type Feed = tonic::Streaming<WatchReferralEventsResponse>;

/// Watches the whole feed as `key` may see it.
pub async fn watch(app: &TestApp, key: &str) -> Feed {
    app.referrals(Some(key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .expect("the watch opens")
        .into_inner()
}

/// The events of `feed` up to and including the first of `until` (within 15 s).
pub async fn events_until(feed: &mut Feed, until: ReferralEventType) -> Vec<ReferralEvent> {
    let mut seen = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(15), feed.message())
            .await
            .unwrap_or_else(|_| panic!("no {until:?} within 15 s after {seen:?}"))
            .expect("the stream stays open")
            .expect("a message");
        if let Some(event) = next.into_event() {
            let done = event.r#type == until as i32;
            seen.push(event);
            if done {
                return seen;
            }
        }
    }
}

/// The referral as the department reads it now.
async fn current(app: &TestApp, station: &Station, referral: &str) -> Referral {
    app.referrals(Some(&station.his_key))
        .get_referral(GetReferralRequest {
            referral_id: referral.to_owned(),
            ..Default::default()
        })
        .await
        .expect("the department reads its referral")
        .into_inner()
        .referral
        .expect("a referral")
}

/// The department changes its note: an UPDATED event after everything before it.
pub async fn update_note(app: &TestApp, station: &Station, referral: &str, note: &str) {
    let etag = current(app, station, referral).await.etag;
    app.referrals(Some(&station.his_key))
        .update_referral(UpdateReferralRequest {
            referral_id: referral.to_owned(),
            etag,
            referral: Some(Referral {
                note: note.into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["note".into()],
            }),
        })
        .await
        .expect("the department updates its note");
}

/// The department withdraws its referral (CANCELLED).
pub async fn withdraw(app: &TestApp, station: &Station, referral: &str, note: &str) {
    let etag = current(app, station, referral).await.etag;
    app.referrals(Some(&station.his_key))
        .cancel_referral(CancelReferralRequest {
            referral_id: referral.to_owned(),
            etag,
            note: note.into(),
            kind: CancelKind::Withdraw as i32,
            ..Default::default()
        })
        .await
        .expect("the department cancels");
}
