//! A plan's whole way, on both engines, once in the all-in-one server and once with
//! `yishe-plan` as its own process beside it (sharing the database and keyring):
//! drafted from the assessment's problems with two goals (a PHQ-9 target, attainment
//! scaling) and three interventions, submitted, returned, revised, refused to its own
//! author and to a supervisor credential that is no person, approved by a second
//! supervisor; an intervention's volunteer task posted to the board, raced for by two
//! teams (one through each process when they are two), reported by the winner's
//! volunteer and reviewed; attainment recorded; the PHQ-9 target met by a later
//! assessment. The department's feed hears PLAN_APPROVED with ids only and nothing of
//! the station's own steps; no volunteer ever sees the case's content.

use yishe_proto::directory::CertificationLevel;
use yishe_proto::plan::*;
use yishe_proto::referral::ReferralEventType;

use yishe_testserver::feed::{events_until, watch};
use yishe_testserver::plans::*;
use yishe_testserver::{Beside, Engine, Station, TestApp};

/// Where the plan service runs.
#[derive(Debug, Clone, Copy)]
enum Place {
    AllInOne,
    OwnProcess,
}

/// The code and `ErrorInfo` reason of a refusal, as a client program reads them.
fn refusal<T>(result: &Result<T, tonic::Status>) -> (tonic::Code, String) {
    use tonic_types::StatusExt;
    match result {
        Ok(_) => (tonic::Code::Ok, String::new()),
        Err(status) => (
            status.code(),
            status
                .get_details_error_info()
                .map(|info| info.reason)
                .unwrap_or_default(),
        ),
    }
}

async fn journey(engine: Engine, place: Place) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let beside = match place {
        Place::AllInOne => None,
        Place::OwnProcess => Some(Beside::start(
            env!("CARGO_BIN_EXE_yishe-plan"),
            &app,
            dir.path(),
        )),
    };
    let plans = match &beside {
        Some(process) => PlanEndpoint::beside(process).await,
        None => PlanEndpoint::of(&app),
    };
    a_plan_is_drafted_reviewed_approved_and_worked(&app, &station, &plans).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_the_all_in_one_server() {
    journey(Engine::Sqlite, Place::AllInOne).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_in_the_all_in_one_server() {
    journey(Engine::Postgres, Place::AllInOne).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_with_yishe_plan_as_its_own_process() {
    journey(Engine::Sqlite, Place::OwnProcess).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_with_yishe_plan_as_its_own_process() {
    journey(Engine::Postgres, Place::OwnProcess).await;
}

async fn a_plan_is_drafted_reviewed_approved_and_worked(
    app: &TestApp,
    station: &Station,
    plans: &PlanEndpoint,
) {
    let mut his_feed = watch(app, &station.his_key).await;
    let mut station_feed = watch(app, &station.supervisor_key).await;
    let (referral, problems) = assessed_case(app, station, "plan-journey").await;
    let (_, senior_key) = supervisor(app, station, "张敏", CertificationLevel::Senior).await;
    let (second_id, second_key) =
        supervisor(app, station, "陈静", CertificationLevel::Intermediate).await;

    // Drafted by the assigned worker: two goals, three interventions, names shown.
    let draft = two_goal_plan(station, &problems);
    let v1 = create(plans, station, &referral, "plan-journey-p1", draft.clone())
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
    let resent = create(plans, station, &referral, "plan-journey-p1", draft)
        .await
        .expect("a resend is answered with the first plan");
    assert_eq!(resent.plan_id, v1.plan_id);

    // Submitted, then returned by a supervisor with a note.
    let submitted = submit(plans, &station.worker_key, &v1).await;
    assert_eq!(submitted.state(), PlanState::PendingApproval);
    let queue = plans
        .client(&senior_key)
        .list_plans(ListPlansRequest {
            state: PlanState::PendingApproval as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .plans;
    assert_eq!(queue.len(), 1, "the supervisor's queue holds the plan");
    let returned = plans
        .client(&senior_key)
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
    let v2 = plans
        .client(&senior_key)
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
    let v2 = plans
        .client(&senior_key)
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
    let v2 = submit(plans, &senior_key, &v2).await;

    // Its author cannot approve it, nor can a supervisor credential that is no person.
    assert_eq!(
        refusal(&approve(plans, &senior_key, &v2).await),
        (tonic::Code::PermissionDenied, "SELF_APPROVAL".into())
    );
    assert_eq!(
        refusal(&approve(plans, &station.supervisor_key, &v2).await),
        (
            tonic::Code::PermissionDenied,
            "APPROVER_NOT_A_PERSON".into()
        )
    );
    let approved = approve(plans, &second_key, &v2).await.expect("approved");
    assert_eq!(approved.state(), PlanState::Approved);
    assert_eq!(approved.in_force_version, 2);
    assert_eq!(
        approved.decision.as_ref().unwrap().supervisor_worker_id,
        second_id
    );
    let first = plans
        .client(&station.worker_key)
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
    let mut worker = plans.client(&station.worker_key);
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

    // Part of the companionship intervention goes to volunteers, on the board; two
    // teams race for it (through the two processes, when there are two).
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 4 * 3600;
    let posted = worker
        .post_volunteer_task(PostVolunteerTaskRequest {
            task: Some(VolunteerTask {
                plan_id: v1.plan_id.clone(),
                intervention_id: approved.interventions[2].intervention_id.clone(),
                instructions: "陪同患者到影像科做CT，检查后送回病房".into(),
                start_time: Some(prost_types::Timestamp {
                    seconds: start,
                    nanos: 0,
                }),
                ..Default::default()
            }),
            request_id: "plan-journey-t1".into(),
        })
        .await
        .expect("the task is posted")
        .into_inner()
        .task
        .unwrap();
    let (_, _, other_key) = station.volunteer_team(app, "社区志愿服务队", "王磊").await;
    let elsewhere = PlanEndpoint::of(app);
    let board = plans
        .client(&station.volunteer_key)
        .list_volunteer_tasks(ListVolunteerTasksRequest {
            board: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .tasks;
    assert_eq!(board.len(), 1);
    assert!(
        board[0].patient_name.is_empty(),
        "no patient name on the board"
    );
    shows_no_case_content(&board[0]);
    let claim = |endpoint: &PlanEndpoint, key: &str| {
        let mut client = endpoint.client(key);
        let task_id = posted.task_id.clone();
        async move {
            client
                .claim_volunteer_task(ClaimVolunteerTaskRequest { task_id })
                .await
        }
    };
    let (ours, theirs) = tokio::join!(
        claim(plans, &station.volunteer_key),
        claim(&elsewhere, &other_key)
    );
    let (winner, won, lost) = match (ours, theirs) {
        (Ok(won), Err(lost)) => ((plans, station.volunteer_key.clone()), won, lost),
        (Err(lost), Ok(won)) => ((&elsewhere, other_key.clone()), won, lost),
        (a, b) => panic!("exactly one claim wins: {a:?} / {b:?}"),
    };
    assert_eq!(
        refusal::<()>(&Err(lost)),
        (
            tonic::Code::FailedPrecondition,
            "TASK_ALREADY_CLAIMED".into()
        )
    );
    let claimed = won.into_inner().task.unwrap();
    assert_eq!(
        claimed.patient_name, "陈建国",
        "the winning team learns whom"
    );
    shows_no_case_content(&claimed);
    let reported = winner
        .0
        .client(&winner.1)
        .report_volunteer_task(ReportVolunteerTaskRequest {
            task_id: posted.task_id.clone(),
            etag: claimed.etag.clone(),
            report: "已陪同完成CT检查，已送回病房".into(),
        })
        .await
        .expect("the winner's volunteer reports")
        .into_inner()
        .task
        .unwrap();
    shows_no_case_content(&reported);
    let reviewed = worker
        .review_volunteer_task(ReviewVolunteerTaskRequest {
            task_id: posted.task_id.clone(),
            etag: reported.etag.clone(),
            review: "按时完成".into(),
        })
        .await
        .expect("the social worker reviews")
        .into_inner()
        .task
        .unwrap();
    assert_eq!(reviewed.state(), VolunteerTaskState::Reviewed);
    assert_eq!(
        refusal(
            &winner
                .0
                .client(&winner.1)
                .get_plan(GetPlanRequest {
                    plan_id: v1.plan_id.clone(),
                    version: 0,
                })
                .await
        )
        .0,
        tonic::Code::PermissionDenied,
        "a volunteer never reads the plan"
    );

    // A later PHQ-9 below 10 meets the target.
    assess(app, station, &referral, "plan-journey-a2", 6, false).await;
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
    // the station's own steps: a change it makes itself arrives after all of them.
    yishe_testserver::feed::update_note(app, station, &referral.id, "家属已到").await;
    let seen = events_until(&mut his_feed, ReferralEventType::Updated).await;
    let approved_event = seen
        .iter()
        .find(|e| e.r#type == ReferralEventType::PlanApproved as i32)
        .expect("the department heard that services start");
    assert_eq!(approved_event.plan_id, v1.plan_id);
    assert_eq!(approved_event.plan_version, 2);
    let station_only = [
        ReferralEventType::PlanSubmitted,
        ReferralEventType::PlanReturned,
        ReferralEventType::VolunteerTaskPosted,
        ReferralEventType::VolunteerTaskClaimed,
    ];
    for kind in station_only {
        assert!(
            seen.iter().all(|e| e.r#type != kind as i32),
            "{kind:?} reached the department: {seen:?}"
        );
    }
    let ours = events_until(&mut station_feed, ReferralEventType::VolunteerTaskClaimed).await;
    let kinds: Vec<i32> = ours.iter().map(|e| e.r#type).collect();
    for kind in station_only {
        assert!(kinds.contains(&(kind as i32)), "the station saw {kind:?}");
    }
}
