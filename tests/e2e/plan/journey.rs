//! A plan's whole way: drafted from the assessment's problems, submitted, returned,
//! revised, refused to its own author and to a supervisor credential that is no
//! person, approved by a second supervisor; its interventions worked, attainment
//! recorded, and its PHQ-9 target met by a later assessment. The department's feed
//! hears PLAN_APPROVED with ids only, and nothing of the station's internal review.

use std::time::Duration;

use tokio_stream::StreamExt;
use yishe_proto::directory::CertificationLevel;
use yishe_proto::plan::*;
use yishe_proto::referral::{
    ReferralEvent, ReferralEventType, WatchReferralEventsRequest, WatchReferralEventsResponse,
};

use super::*;
use crate::support::{e2e, refusal};

e2e!(a_plan_is_drafted_reviewed_approved_and_worked);

type Feed = tonic::Streaming<WatchReferralEventsResponse>;

async fn watch(app: &TestApp, key: &str) -> Feed {
    app.referrals(Some(key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner()
}

/// The events of `feed` up to and including the first of `until`.
async fn events_until(feed: &mut Feed, until: ReferralEventType) -> Vec<ReferralEvent> {
    let mut seen = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(15), feed.next())
            .await
            .unwrap_or_else(|_| panic!("no {until:?} within 15 s after {seen:?}"))
            .expect("the stream stays open")
            .expect("an event");
        if let Some(event) = next.into_event() {
            let done = event.r#type == until as i32;
            seen.push(event);
            if done {
                return seen;
            }
        }
    }
}

async fn a_plan_is_drafted_reviewed_approved_and_worked(app: TestApp, station: Station) {
    let mut his_feed = watch(&app, &station.his_key).await;
    let mut station_feed = watch(&app, &station.supervisor_key).await;
    let (referral, problems) = assessed_case(&app, &station, "plan-journey").await;
    let (_, senior_key) = supervisor(&app, &station, "张敏", CertificationLevel::Senior).await;
    let (second_id, second_key) =
        supervisor(&app, &station, "陈静", CertificationLevel::Intermediate).await;

    // Drafted by the assigned worker: two goals, three interventions, names shown.
    let draft = two_goal_plan(&station, &problems);
    let v1 = create(&app, &station, &referral, "plan-journey-p1", draft.clone())
        .await
        .expect("the plan is drafted");
    assert_eq!((v1.version, v1.state()), (1, PlanState::Draft));
    assert_eq!((v1.goals.len(), v1.interventions.len()), (2, 3));
    assert_eq!(v1.author_name, "Wang Fang");
    assert_eq!(v1.interventions[0].responsible_worker_name, "Wang Fang");
    assert_eq!(v1.interventions[0].state(), InterventionState::Planned);
    let phq9_goal_id = v1.goals[0].goal_id.clone();
    let gas_goal_id = v1.goals[1].goal_id.clone();
    assert_eq!(
        v1.interventions[2].goal_ids,
        vec![phq9_goal_id.clone(), gas_goal_id.clone()],
        "#n names the n-th goal sent"
    );
    let resent = create(&app, &station, &referral, "plan-journey-p1", draft)
        .await
        .expect("a resend is answered with the first plan");
    assert_eq!(resent.plan_id, v1.plan_id);

    // Submitted, then returned by a supervisor with a note.
    let submitted = submit(&app, &station.worker_key, &v1).await;
    assert_eq!(submitted.state(), PlanState::PendingApproval);
    let queue = app
        .plans(Some(&senior_key))
        .list_plans(ListPlansRequest {
            state: PlanState::PendingApproval as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .plans;
    assert_eq!(queue.len(), 1, "the supervisor's queue holds the plan");
    let returned = app
        .plans(Some(&senior_key))
        .return_plan(ReturnPlanRequest {
            plan_id: v1.plan_id.clone(),
            etag: queue[0].etag.clone(),
            note: "请补充出院后的随访安排".into(),
        })
        .await
        .expect("returned")
        .into_inner()
        .plan
        .unwrap();
    assert_eq!(returned.state(), PlanState::Returned);
    let decision = returned.decision.as_ref().unwrap();
    assert!(!decision.approved);
    assert_eq!(decision.supervisor_name, "张敏");

    // Revised by that supervisor into version 2, which they submit.
    let v2 = app
        .plans(Some(&senior_key))
        .revise_plan(RevisePlanRequest {
            plan_id: v1.plan_id.clone(),
            etag: returned.etag.clone(),
            reason: "按督导意见补充随访".into(),
        })
        .await
        .expect("revised")
        .into_inner()
        .plan
        .unwrap();
    assert_eq!((v2.version, v2.state()), (2, PlanState::Draft));
    assert_eq!(v2.goals[0].goal_id, phq9_goal_id, "goals keep their ids");
    let v2 = app
        .plans(Some(&senior_key))
        .update_plan(UpdatePlanRequest {
            plan: Some(ServicePlan {
                plan_id: v2.plan_id.clone(),
                review_date: date(2027, 1, 15),
                ..Default::default()
            }),
            etag: v2.etag.clone(),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["review_date".into()],
            }),
        })
        .await
        .expect("the draft changes")
        .into_inner()
        .plan
        .unwrap();
    assert_eq!(v2.review_date, date(2027, 1, 15));
    assert_eq!(v2.interventions.len(), 3, "what the mask leaves out stays");
    let v2 = submit(&app, &senior_key, &v2).await;

    // Its author cannot approve it, nor can a supervisor credential that is no person.
    assert_eq!(
        refusal(&approve(&app, &senior_key, &v2).await),
        (tonic::Code::PermissionDenied, "SELF_APPROVAL".into())
    );
    assert_eq!(
        refusal(&approve(&app, &station.supervisor_key, &v2).await),
        (
            tonic::Code::PermissionDenied,
            "APPROVER_NOT_A_PERSON".into()
        )
    );
    let approved = approve(&app, &second_key, &v2).await.expect("approved");
    assert_eq!(approved.state(), PlanState::Approved);
    assert_eq!(approved.in_force_version, 2);
    assert_eq!(
        approved.decision.as_ref().unwrap().supervisor_worker_id,
        second_id
    );
    let first = app
        .plans(Some(&station.worker_key))
        .get_plan(GetPlanRequest {
            plan_id: v1.plan_id.clone(),
            version: 1,
        })
        .await
        .unwrap()
        .into_inner()
        .plan
        .unwrap();
    assert_eq!(
        first.state(),
        PlanState::Returned,
        "the returned version stays readable with its decision"
    );
    assert_eq!(first.decision.unwrap().note, "请补充出院后的随访安排");

    // Work on the approved version: an intervention done, attainment recorded.
    let mut worker = app.plans(Some(&station.worker_key));
    let counselling = approved.interventions[0].intervention_id.clone();
    let mut etag = approved.etag.clone();
    for state in [InterventionState::InProgress, InterventionState::Done] {
        let moved = worker
            .update_intervention_state(UpdateInterventionStateRequest {
                plan_id: v1.plan_id.clone(),
                etag: etag.clone(),
                intervention_id: counselling.clone(),
                state: state as i32,
                reason: String::new(),
            })
            .await
            .expect("the intervention moves")
            .into_inner()
            .plan
            .unwrap();
        assert_eq!(moved.interventions[0].state(), state);
        etag = moved.etag;
    }
    let progressed = worker
        .record_goal_progress(RecordGoalProgressRequest {
            plan_id: v1.plan_id.clone(),
            etag,
            goal_id: gas_goal_id.clone(),
            note: "医疗救助申请已提交".into(),
            attainment_level: Some(0),
            occasion: ProgressOccasion::Review as i32,
        })
        .await
        .expect("progress is recorded")
        .into_inner()
        .plan
        .unwrap();
    let gas = &progressed.goals[1];
    assert_eq!(gas.progress.len(), 1);
    assert_eq!(gas.progress[0].recorded_by_name, "Wang Fang");
    match &gas.measure {
        Some(goal::Measure::AttainmentScale(scale)) => assert_eq!(scale.latest_level, Some(0)),
        other => panic!("an attainment scale, not {other:?}"),
    }
    let target = |plan: &ServicePlan| match &plan.goals[0].measure {
        Some(goal::Measure::InstrumentTarget(t)) => t.clone(),
        other => panic!("an instrument target, not {other:?}"),
    };
    assert!(!target(&progressed).met, "no PHQ-9 since the goal was set");

    // A later PHQ-9 below 10 meets the target.
    assess(&app, &station, &referral, "plan-journey-a2", 6, false).await;
    let read = worker
        .get_plan(GetPlanRequest {
            plan_id: v1.plan_id.clone(),
            version: 0,
        })
        .await
        .unwrap()
        .into_inner()
        .plan
        .unwrap();
    let target = target(&read);
    assert_eq!(target.latest_total, Some(6));
    assert!(target.met, "PHQ-9 6 is below 10");

    // The department heard that the plan was approved, with ids only, and nothing of
    // the review; the station's own feed heard every step.
    let his = events_until(&mut his_feed, ReferralEventType::PlanApproved).await;
    let approved_event = his.last().unwrap();
    assert_eq!(approved_event.plan_id, v1.plan_id);
    assert_eq!(approved_event.plan_version, 2);
    assert!(
        his.iter()
            .all(|e| e.r#type != ReferralEventType::PlanSubmitted as i32
                && e.r#type != ReferralEventType::PlanReturned as i32),
        "station-only events reached the department: {his:?}"
    );
    let ours = events_until(&mut station_feed, ReferralEventType::PlanApproved).await;
    let kinds: Vec<i32> = ours.iter().map(|e| e.r#type).collect();
    for kind in [
        ReferralEventType::PlanSubmitted,
        ReferralEventType::PlanReturned,
    ] {
        assert!(kinds.contains(&(kind as i32)), "the station saw {kind:?}");
    }
}
