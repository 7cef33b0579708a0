//! Volunteer tasks ("社工+志愿", 派单—接单): a task of an approved intervention posted to
//! the station's board, seen there by two teams without the patient's name, raced for
//! (one team wins, the other is told why), reported by the winner's volunteer and
//! reviewed by the social worker; a task left unclaimed past its deadline raises an
//! event and a metric; the department hears none of it, and no volunteer ever sees the
//! case's clinical or psychosocial content.

use std::time::Duration;

use tokio_stream::StreamExt;
use yishe_proto::directory::CertificationLevel;
use yishe_proto::plan::*;
use yishe_proto::referral::{ReferralEventType, WatchReferralEventsRequest};

use super::*;
use crate::support::{e2e, refusal};

e2e!(
    teams_race_for_a_posted_task_and_the_winner_carries_it_out,
    an_unclaimed_task_past_its_deadline_is_overdue,
    a_task_ends_with_its_intervention_and_a_volunteer_with_their_record,
    a_task_ends_with_its_case,
);

/// A referral with an approved plan (two goals, three interventions).
async fn approved_plan(app: &TestApp, station: &Station, name: &str) -> ServicePlan {
    let (referral, problems) = assessed_case(app, station, name).await;
    let plan = create(
        app,
        station,
        &referral,
        name,
        two_goal_plan(station, &problems),
    )
    .await
    .unwrap();
    let plan = submit(app, &station.worker_key, &plan).await;
    let (_, approver) = supervisor(app, station, "张敏", CertificationLevel::Senior).await;
    approve(app, &approver, &plan).await.expect("approved")
}

fn at(app: &TestApp, from_now: chrono::Duration) -> Option<prost_types::Timestamp> {
    let t = yishe_domain::Clock::now(app.clock.as_ref()) + from_now;
    Some(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    })
}

/// The station's board as `key` reads it.
async fn board_of(app: &TestApp, key: &str) -> Vec<VolunteerTask> {
    app.plans(Some(key))
        .list_volunteer_tasks(ListVolunteerTasksRequest {
            board: true,
            ..Default::default()
        })
        .await
        .expect("the board")
        .into_inner()
        .tasks
}

/// Posts a board task for the plan's volunteer-companionship intervention.
async fn post(
    app: &TestApp,
    station: &Station,
    plan: &ServicePlan,
    request_id: &str,
    claim_within: chrono::Duration,
) -> VolunteerTask {
    app.plans(Some(&station.worker_key))
        .post_volunteer_task(PostVolunteerTaskRequest {
            task: Some(VolunteerTask {
                plan_id: plan.plan_id.clone(),
                intervention_id: plan.interventions[2].intervention_id.clone(),
                instructions: "陪同患者到影像科做CT，检查后送回病房".into(),
                start_time: at(app, chrono::Duration::hours(4)),
                claim_deadline: at(app, claim_within),
                ..Default::default()
            }),
            request_id: request_id.into(),
        })
        .await
        .expect("posted to the board")
        .into_inner()
        .task
        .unwrap()
}

async fn teams_race_for_a_posted_task_and_the_winner_carries_it_out(
    app: TestApp,
    station: Station,
) {
    let mut his_feed = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    let plan = approved_plan(&app, &station, "task-race").await;
    let task = post(
        &app,
        &station,
        &plan,
        "task-race-t1",
        chrono::Duration::hours(2),
    )
    .await;
    assert_eq!(task.state(), VolunteerTaskState::Posted);
    assert_eq!(task.ward, "Oncology 5A", "the referral's ward by default");
    assert_eq!(
        task.patient_name, "陈建国",
        "station staff see whom it is for"
    );
    assert_eq!(task.supervising_worker_name, "Wang Fang");
    let (_, _, other_key) = station.volunteer_team(&app, "社区志愿服务队", "王磊").await;

    // Both teams see it on the board: where and when, not whom.
    for key in [&station.volunteer_key, &other_key] {
        let board = board_of(&app, key).await;
        assert_eq!(board.len(), 1);
        assert_eq!(board[0].task_id, task.task_id);
        assert_eq!(board[0].patient_name, "", "no patient name on the board");
        assert_eq!(board[0].bed, "12");
        shows_no_case_content(&board[0]);
    }

    // They race for it: one wins, the other is told the task is taken.
    let claim = |key: String| {
        let mut plans = app.plans(Some(&key));
        let id = task.task_id.clone();
        async move {
            plans
                .claim_volunteer_task(ClaimVolunteerTaskRequest { task_id: id })
                .await
        }
    };
    let (first, second) = tokio::join!(
        claim(station.volunteer_key.clone()),
        claim(other_key.clone())
    );
    let (winner, loser, won) = match (first, second) {
        (Ok(won), Err(lost)) => (
            station.volunteer_key.clone(),
            other_key.clone(),
            (won, lost),
        ),
        (Err(lost), Ok(won)) => (
            other_key.clone(),
            station.volunteer_key.clone(),
            (won, lost),
        ),
        (a, b) => panic!("exactly one claim wins: {a:?} / {b:?}"),
    };
    let (won, lost) = won;
    assert_eq!(
        refusal::<()>(&Err(lost)),
        (
            tonic::Code::FailedPrecondition,
            "TASK_ALREADY_CLAIMED".into()
        )
    );
    let claimed = won.into_inner().task.unwrap();
    assert_eq!(claimed.state(), VolunteerTaskState::Claimed);
    assert_eq!(
        claimed.patient_name, "陈建国",
        "the team holding it learns whom"
    );
    shows_no_case_content(&claimed);
    let hidden = app
        .plans(Some(&loser))
        .get_volunteer_task(GetVolunteerTaskRequest {
            task_id: task.task_id.clone(),
        })
        .await;
    assert_eq!(
        refusal(&hidden),
        (tonic::Code::NotFound, "VOLUNTEER_TASK_NOT_FOUND".into()),
        "the other team no longer sees it"
    );
    let mine = app
        .plans(Some(&winner))
        .list_volunteer_tasks(ListVolunteerTasksRequest::default())
        .await
        .unwrap()
        .into_inner()
        .tasks;
    assert_eq!(mine.len(), 1, "the winner's own tasks");

    // The winner's volunteer reports; the social worker reviews.
    let reported = app
        .plans(Some(&winner))
        .report_volunteer_task(ReportVolunteerTaskRequest {
            task_id: task.task_id.clone(),
            etag: claimed.etag.clone(),
            report: "已陪同完成CT检查，患者情绪平稳，已送回病房".into(),
        })
        .await
        .expect("reported")
        .into_inner()
        .task
        .unwrap();
    assert_eq!(reported.state(), VolunteerTaskState::Done);
    let reviewed = app
        .plans(Some(&station.worker_key))
        .review_volunteer_task(ReviewVolunteerTaskRequest {
            task_id: task.task_id.clone(),
            etag: reported.etag.clone(),
            review: "按时完成，感谢".into(),
        })
        .await
        .expect("reviewed")
        .into_inner()
        .task
        .unwrap();
    assert_eq!(reviewed.state(), VolunteerTaskState::Reviewed);
    assert_eq!(
        reviewed.report,
        "已陪同完成CT检查，患者情绪平稳，已送回病房"
    );

    // A volunteer reaches nothing of the case itself.
    let plan_read = app
        .plans(Some(&winner))
        .get_plan(GetPlanRequest {
            plan_id: plan.plan_id.clone(),
            version: 0,
        })
        .await;
    assert_eq!(
        crate::support::code(&plan_read),
        tonic::Code::PermissionDenied
    );

    // The department's feed: a change it makes arrives after the plan's approval, with
    // none of the station's task events in between.
    yishe_testserver::feed::update_note(&app, &station, &plan.referral_id, "家属已到").await;
    let mut seen = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(15), his_feed.next())
            .await
            .expect("the department's update within 15 s")
            .unwrap()
            .unwrap();
        if let Some(event) = next.into_event() {
            let kind = event.r#type;
            seen.push(kind);
            if kind == ReferralEventType::Updated as i32 {
                break;
            }
        }
    }
    assert!(seen.contains(&(ReferralEventType::PlanApproved as i32)));
    for station_only in [
        ReferralEventType::VolunteerTaskPosted,
        ReferralEventType::VolunteerTaskClaimed,
        ReferralEventType::PlanSubmitted,
    ] {
        assert!(
            !seen.contains(&(station_only as i32)),
            "{station_only:?} reached the department: {seen:?}"
        );
    }
}

async fn an_unclaimed_task_past_its_deadline_is_overdue(app: TestApp, station: Station) {
    let mut feed = app
        .referrals(Some(&station.supervisor_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    let plan = approved_plan(&app, &station, "task-late").await;
    let task = post(
        &app,
        &station,
        &plan,
        "task-late-t1",
        chrono::Duration::hours(1),
    )
    .await;
    app.clock.advance(Duration::from_secs(2 * 3600));
    let overdue = loop {
        let next = tokio::time::timeout(Duration::from_secs(15), feed.next())
            .await
            .expect("the overdue event within 15 s")
            .unwrap()
            .unwrap();
        if let Some(event) = next.into_event()
            && event.r#type == ReferralEventType::VolunteerTaskOverdue as i32
        {
            break event;
        }
    };
    assert_eq!(overdue.volunteer_task_id, task.task_id);
    let read = app
        .plans(Some(&station.worker_key))
        .get_volunteer_task(GetVolunteerTaskRequest {
            task_id: task.task_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .task
        .unwrap();
    assert!(read.overdue, "the task says it is overdue");
    assert_eq!(
        read.state(),
        VolunteerTaskState::Posted,
        "and is still claimable"
    );
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("yishe_volunteer_tasks_total{event=\"overdue\"} 1"),
        "{metrics}"
    );
    // On the board past its claim deadline: what the station's dashboard shows.
    assert!(
        metrics.contains(r#"yishe_volunteer_tasks_unclaimed{past_deadline="true",station="s1"} 1"#),
        "{metrics}"
    );
}

async fn a_task_ends_with_its_intervention_and_a_volunteer_with_their_record(
    app: TestApp,
    station: Station,
) {
    use yishe_proto::directory::{ListVolunteersRequest, UpdateVolunteerRequest, Volunteer};
    let plan = approved_plan(&app, &station, "task-end").await;
    let task = post(
        &app,
        &station,
        &plan,
        "task-end-t1",
        chrono::Duration::hours(2),
    )
    .await;

    // Another worker of the station reads the board as volunteers do: no name.
    let board = board_of(&app, &station.junior_key).await;
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].patient_name, "", "not their case");

    // The intervention ends: its task is withdrawn from the board.
    let cancelled = app
        .plans(Some(&station.worker_key))
        .update_intervention_state(UpdateInterventionStateRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag.clone(),
            intervention_id: plan.interventions[2].intervention_id.clone(),
            state: InterventionState::Cancelled as i32,
            reason: "家属可以陪同".into(),
        })
        .await;
    assert!(cancelled.is_ok(), "{cancelled:?}");
    let read = app
        .plans(Some(&station.worker_key))
        .get_volunteer_task(GetVolunteerTaskRequest {
            task_id: task.task_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .task
        .unwrap();
    assert_eq!(read.state(), VolunteerTaskState::Cancelled);
    let claim = app
        .plans(Some(&station.volunteer_key))
        .claim_volunteer_task(ClaimVolunteerTaskRequest {
            task_id: task.task_id.clone(),
        })
        .await;
    assert_eq!(
        refusal(&claim),
        (tonic::Code::FailedPrecondition, "TASK_WITHDRAWN".into())
    );

    // A volunteer the station stops giving tasks to sees nothing any more.
    let mut directory = app.directory(Some(&station.admin_key));
    let volunteer = directory
        .list_volunteers(ListVolunteersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .volunteers
        .into_iter()
        .find(|v| v.id == station.volunteer)
        .unwrap();
    directory
        .update_volunteer(UpdateVolunteerRequest {
            volunteer: Some(Volunteer {
                id: volunteer.id.clone(),
                etag: volunteer.etag.clone(),
                active: false,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["active".into()],
            }),
        })
        .await
        .expect("deactivated");
    let listed = app
        .plans(Some(&station.volunteer_key))
        .list_volunteer_tasks(ListVolunteerTasksRequest {
            board: true,
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&listed),
        (tonic::Code::PermissionDenied, "VOLUNTEER_INACTIVE".into())
    );
}

async fn a_task_ends_with_its_case(app: TestApp, station: Station) {
    let plan = approved_plan(&app, &station, "task-case-end").await;
    let task = post(
        &app,
        &station,
        &plan,
        "task-case-end-t1",
        chrono::Duration::hours(2),
    )
    .await;
    yishe_testserver::feed::withdraw(&app, &station, &plan.referral_id, "患者已转院").await;
    let board = board_of(&app, &station.volunteer_key).await;
    assert!(
        board.is_empty(),
        "the board no longer shows where the patient lies"
    );
    let read = app
        .plans(Some(&station.supervisor_key))
        .get_volunteer_task(GetVolunteerTaskRequest {
            task_id: task.task_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .task
        .unwrap();
    assert_eq!(read.state(), VolunteerTaskState::Cancelled);
}
