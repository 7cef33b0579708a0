//! `yishe-plan` as its own process beside the rest of Yishe, sharing the database and
//! the keyring: a plan drafted, submitted and approved there reaches the department
//! watching the other process as PLAN_APPROVED (moved by that process's relay), and
//! the other process reads the same sealed plan.

use std::time::Duration;

use tokio_stream::StreamExt;
use yishe_proto::assessment::{
    IdentifiedProblem, InstrumentResponse, ProblemCategory, PsychosocialAssessment, Severity,
    SubmitAssessmentRequest,
};
use yishe_proto::client::Bearer;
use yishe_proto::common::Priority;
use yishe_proto::directory::{CertificationLevel, Role};
use yishe_proto::plan::plan_service_client::PlanServiceClient;
use yishe_proto::plan::*;
use yishe_proto::referral::{ReferralEventType, WatchReferralEventsRequest};
use yishe_testserver::{Beside, Engine, Station, TestApp};

async fn a_separate_plan_process_approves(engine: Engine) {
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
        .assigned_referral(&app, "split-plan", Priority::Routine)
        .await;
    let assessment = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: referral.id.clone(),
            request_id: "split-plan-a1".into(),
            responses: vec![InstrumentResponse {
                instrument_id: "distress_thermometer".into(),
                version: 1,
                answers: [("rating".to_owned(), 2)].into(),
                ..Default::default()
            }],
            psychosocial: Some(PsychosocialAssessment {
                problems: vec![IdentifiedProblem {
                    category: ProblemCategory::Financial as i32,
                    severity: Severity::Severe as i32,
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("assessed")
        .into_inner()
        .assessment
        .unwrap();
    let problem = assessment.psychosocial.unwrap().problems[0]
        .problem_id
        .clone();
    let (_, approver) = station
        .person(&app, "张敏", CertificationLevel::Senior, Role::Supervisor)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let service = Beside::start(env!("CARGO_BIN_EXE_yishe-plan"), &app, dir.path());
    let channel = tonic::transport::Endpoint::from_shared(service.grpc.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let client = |key: &str| {
        PlanServiceClient::with_interceptor(channel.clone(), Bearer::new(Some(key)).unwrap())
    };
    let plan = client(&station.worker_key)
        .create_plan(CreatePlanRequest {
            referral_id: referral.id.clone(),
            request_id: "split-plan-p1".into(),
            plan: Some(ServicePlan {
                goals: vec![Goal {
                    problem_ids: vec![problem],
                    description: "distress below 4".into(),
                    measure: Some(goal::Measure::InstrumentTarget(InstrumentTarget {
                        instrument_id: "distress_thermometer".into(),
                        comparator: Comparator::Below as i32,
                        target: 4,
                        ..Default::default()
                    })),
                    ..Default::default()
                }],
                interventions: vec![Intervention {
                    goal_ids: vec!["#0".into()],
                    kind: InterventionKind::VolunteerCompanionship as i32,
                    description: "volunteers keep him company during tests".into(),
                    responsible_worker_id: station.worker.clone(),
                    ..Default::default()
                }],
                ..Default::default()
            }),
        })
        .await
        .expect("the separate process drafts the plan")
        .into_inner()
        .plan
        .unwrap();
    let plan = client(&station.worker_key)
        .submit_plan(SubmitPlanRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .plan
        .unwrap();
    let in_force = client(&approver)
        .approve_plan(ApprovePlanRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag,
            note: String::new(),
        })
        .await
        .expect("approved there")
        .into_inner()
        .plan
        .unwrap();

    let approved = loop {
        let event = tokio::time::timeout(Duration::from_secs(15), feed.next())
            .await
            .expect("the approval within 15 s")
            .unwrap()
            .unwrap()
            .into_event()
            .unwrap();
        assert_ne!(
            event.r#type,
            ReferralEventType::PlanSubmitted as i32,
            "the department never hears of a submission"
        );
        if event.r#type == ReferralEventType::PlanApproved as i32 {
            break event;
        }
    };
    assert_eq!(approved.plan_id, plan.plan_id);

    let read = app
        .plans(Some(&station.supervisor_key))
        .get_plan(GetPlanRequest {
            plan_id: plan.plan_id.clone(),
            version: 0,
        })
        .await
        .expect("the all-in-one process reads it")
        .into_inner()
        .plan
        .unwrap();
    assert_eq!(read.state(), PlanState::Approved);
    assert_eq!(read.goals[0].description, "distress below 4");

    // A task posted there is raced for by one team through each process: one wins.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 4 * 3600;
    let task = client(&station.worker_key)
        .post_volunteer_task(PostVolunteerTaskRequest {
            task: Some(VolunteerTask {
                plan_id: plan.plan_id.clone(),
                intervention_id: in_force.interventions[0].intervention_id.clone(),
                instructions: "accompany him to the CT scan".into(),
                start_time: Some(prost_types::Timestamp {
                    seconds: start,
                    nanos: 0,
                }),
                ..Default::default()
            }),
            request_id: "split-plan-t1".into(),
        })
        .await
        .expect("posted there")
        .into_inner()
        .task
        .unwrap();
    let (_, _, other_key) = station.volunteer_team(&app, "second team", "王磊").await;
    let mut here = client(&station.volunteer_key);
    let mut there = app.plans(Some(&other_key));
    let claim = |id: &str| ClaimVolunteerTaskRequest {
        task_id: id.to_owned(),
    };
    let (a, b) = tokio::join!(
        here.claim_volunteer_task(claim(&task.task_id)),
        there.claim_volunteer_task(claim(&task.task_id))
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one of the two processes' claims wins: {a:?} / {b:?}"
    );
    let lost = a.err().or(b.err()).unwrap();
    assert_eq!(lost.code(), tonic::Code::FailedPrecondition, "{lost:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_separate_plan_process_approves() {
    a_separate_plan_process_approves(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_separate_plan_process_approves() {
    a_separate_plan_process_approves(Engine::Postgres).await;
}
