//! `yishe-referral` as its own process beside the rest of Yishe, sharing the database
//! and the keyring: a department refers through it, hears CREATED from its feed, and
//! the other process reads the same sealed referral. (It also makes `cargo test` build
//! the binary, which the whole journey in `yishe-server` starts.)

use tonic::transport::Endpoint;
use yishe_proto::client::Bearer;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_proto::referral::*;
use yishe_testserver::{Beside, Engine, Station, TestApp};

async fn a_separate_referral_process_takes_a_referral(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let process = Beside::start(env!("CARGO_BIN_EXE_yishe-referral"), &app, dir.path());
    let channel = Endpoint::from_shared(process.grpc.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut there = ReferralServiceClient::with_interceptor(
        channel,
        Bearer::new(Some(&station.his_key)).unwrap(),
    );
    let mut feed = there
        .watch_referral_events(WatchReferralEventsRequest::from_now())
        .await
        .unwrap()
        .into_inner();
    let created = there
        .create_referral(station.referral_request(&station.department, "split-referral"))
        .await
        .expect("referred through the split process")
        .into_inner()
        .referral
        .unwrap();
    let event = loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(15), feed.message())
            .await
            .expect("an event within 15 s")
            .unwrap()
            .expect("the stream stays open");
        if let Some(event) = message.into_event() {
            break event;
        }
    };
    assert_eq!(event.r#type(), ReferralEventType::Created);
    assert_eq!(event.referral_id, created.id);
    let here = app
        .referrals(Some(&station.his_key))
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(here.patient.unwrap().name, "陈建国");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_separate_referral_process_takes_a_referral() {
    a_separate_referral_process_takes_a_referral(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_separate_referral_process_takes_a_referral() {
    a_separate_referral_process_takes_a_referral(Engine::Postgres).await;
}
