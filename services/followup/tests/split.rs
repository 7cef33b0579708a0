//! `yishe-followup` as its own process beside the rest of Yishe, sharing the database
//! and the keyring: the first contact recorded there sets the referral's first contact
//! and reaches the department watching the other process as FIRST_CONTACT (moved by
//! that process's relay); the other process reads the same sealed contact.

use std::time::Duration;

use tokio_stream::StreamExt;
use yishe_proto::client::Bearer;
use yishe_proto::common::Priority;
use yishe_proto::followup::follow_up_service_client::FollowUpServiceClient;
use yishe_proto::followup::*;
use yishe_proto::referral::{GetReferralRequest, ReferralEventType, WatchReferralEventsRequest};
use yishe_testserver::{Beside, Engine, Station, TestApp};

async fn a_separate_followup_process_records_the_first_contact(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let mut feed = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    let referral = station
        .assigned_referral(&app, "split-contact", Priority::Routine)
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let dir = tempfile::tempdir().unwrap();
    let process = Beside::start(env!("CARGO_BIN_EXE_yishe-followup"), &app, dir.path());
    let channel = tonic::transport::Endpoint::from_shared(process.grpc.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut there = FollowUpServiceClient::with_interceptor(
        channel,
        Bearer::new(Some(&station.worker_key)).unwrap(),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let contact = there
        .record_contact(RecordContactRequest {
            referral_id: referral.id.clone(),
            request_id: "split-c1".into(),
            contact: Some(Contact {
                contact_time: Some(prost_types::Timestamp {
                    seconds: now,
                    nanos: 0,
                }),
                channel: Channel::WardVisit as i32,
                minutes: 30,
                note: "first visit at the bedside".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("recorded there")
        .into_inner()
        .contact
        .unwrap();
    assert!(contact.first_contact);

    let first = loop {
        let event = tokio::time::timeout(Duration::from_secs(15), feed.next())
            .await
            .expect("the first contact within 15 s")
            .unwrap()
            .unwrap()
            .into_event()
            .unwrap();
        if event.r#type == ReferralEventType::FirstContact as i32 {
            break event;
        }
    };
    assert_eq!(first.referral_id, referral.id);
    let read = app
        .referrals(Some(&station.his_key))
        .get_referral(GetReferralRequest {
            referral_id: referral.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(read.first_contact_time, contact.contact_time);
    let listed = app
        .followups(Some(&station.worker_key))
        .list_contacts(ListContactsRequest {
            referral_id: referral.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .contacts;
    assert_eq!(listed[0].note, "first visit at the bedside");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_separate_followup_process_records_the_first_contact() {
    a_separate_followup_process_records_the_first_contact(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_separate_followup_process_records_the_first_contact() {
    a_separate_followup_process_records_the_first_contact(Engine::Postgres).await;
}
