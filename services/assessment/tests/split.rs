//! `yishe-assessment` as its own process beside the rest of Yishe, sharing the
//! database and the keyring: a risky submission made there escalates the referral, and
//! the HIS watching the other process sees the risk event (moved by that process's
//! relay, which polls for commits from elsewhere).

use std::time::Duration;

use tokio_stream::StreamExt;
use yishe_proto::assessment::assessment_service_client::AssessmentServiceClient;
use yishe_proto::assessment::*;
use yishe_proto::client::Bearer;
use yishe_proto::common::Priority;
use yishe_proto::referral::{ReferralEventType, WatchReferralEventsRequest};
use yishe_testserver::{Beside, Engine, Station, TestApp};

async fn a_separate_assessment_process_escalates(engine: Engine) {
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
        .assigned_referral(&app, "split-1", Priority::Routine)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let service = Beside::start(env!("CARGO_BIN_EXE_yishe-assessment"), &app, dir.path());
    let channel = tonic::transport::Endpoint::from_shared(service.grpc.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let client = |key: &str| {
        AssessmentServiceClient::with_interceptor(channel.clone(), Bearer::new(Some(key)).unwrap())
    };
    let submitted = client(&station.worker_key)
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: referral.id.clone(),
            request_id: "split-a1".into(),
            responses: vec![InstrumentResponse {
                instrument_id: "phq9".into(),
                version: 1,
                answers: (1..=9)
                    .map(|i| (format!("item{i}"), i32::from(i == 9)))
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .expect("the separate process records the assessment")
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(submitted.risks, vec![RiskKind::SelfHarmThoughts as i32]);

    // The other process's relay moves the events it committed into the feed.
    let raised = loop {
        let event = tokio::time::timeout(Duration::from_secs(15), feed.next())
            .await
            .expect("the risk event within 15 s")
            .unwrap()
            .unwrap()
            .into_event()
            .unwrap();
        if event.r#type == ReferralEventType::RiskFlagRaised as i32 {
            break event;
        }
    };
    assert_eq!(raised.referral_id, referral.id);
    assert_eq!(raised.priority, Priority::Urgent as i32);

    // Both processes read the same sealed record with the same keys.
    let flags = app
        .assessments(Some(&station.supervisor_key))
        .list_risk_flags(ListRiskFlagsRequest {
            open_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flags;
    assert_eq!(flags.len(), 1);
    let done = client(&station.supervisor_key)
        .acknowledge_risk_flag(AcknowledgeRiskFlagRequest {
            risk_flag_id: flags[0].risk_flag_id.clone(),
            etag: flags[0].etag.clone(),
            note: "called the ward; patient seen by psychiatry".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flag
        .unwrap();
    assert_eq!(done.state(), RiskFlagState::Acknowledged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_separate_assessment_process_escalates() {
    a_separate_assessment_process_escalates(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_separate_assessment_process_escalates() {
    a_separate_assessment_process_escalates(Engine::Postgres).await;
}
