//! Closure (结案) and reopening end to end: refused while a risk flag is open, returned
//! and approved by a supervisor who is a person (not the requester; experienced for a
//! protection case), COMPLETED or FAILED with the outcome and the summary on the
//! department's feed and nothing of the station's review; follow-ups after closure;
//! a death cancelling follow-ups; a reopened case linked to the closed one.

use std::time::Duration;

use yishe_proto::common::Priority;
use yishe_proto::directory::CertificationLevel;
use yishe_proto::followup::{
    Channel, Contact, FollowUpState, ListFollowUpsRequest, Phase, Purpose, RecordContactRequest,
    ScheduleFollowUpRequest,
};
use yishe_proto::plan::InterventionKind;
use yishe_proto::referral::*;
use yishe_testserver::feed::{events_until as until, watch};
use yishe_testserver::plans::{self, PlanEndpoint};

use crate::support::{Station, TestApp, e2e, error_metadata, refusal};

e2e!(
    a_case_closes_after_its_flag_is_seen_and_a_second_look_then_reopens,
    goals_are_marked_and_protection_needs_an_experienced_approver,
    a_death_cancels_follow_ups_and_the_case_ends_failed,
);

fn closure(outcome: ClosureOutcome, summary: &str) -> Closure {
    Closure {
        outcome: outcome as i32,
        summary: summary.into(),
        ..Default::default()
    }
}

async fn read(app: &TestApp, key: &str, id: &str) -> Referral {
    app.referrals(Some(key))
        .get_referral(GetReferralRequest {
            referral_id: id.into(),
            ..Default::default()
        })
        .await
        .expect("readable")
        .into_inner()
        .referral
        .unwrap()
}

async fn request(
    app: &TestApp,
    key: &str,
    referral: &Referral,
    closure: Closure,
) -> Result<Referral, tonic::Status> {
    app.referrals(Some(key))
        .request_closure(RequestClosureRequest {
            referral_id: referral.id.clone(),
            etag: referral.etag.clone(),
            closure: Some(closure),
        })
        .await
        .map(|r| r.into_inner().referral.unwrap())
}

async fn approve(app: &TestApp, key: &str, referral: &Referral) -> Result<Referral, tonic::Status> {
    app.referrals(Some(key))
        .approve_closure(ApproveClosureRequest {
            referral_id: referral.id.clone(),
            etag: referral.etag.clone(),
            note: "同意结案".into(),
        })
        .await
        .map(|r| r.into_inner().referral.unwrap())
}

async fn follow_ups_of(
    app: &TestApp,
    station: &Station,
    referral: &str,
) -> Vec<yishe_proto::followup::FollowUp> {
    app.followups(Some(&station.supervisor_key))
        .list_follow_ups(ListFollowUpsRequest {
            referral_id: referral.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups
}

async fn a_case_closes_after_its_flag_is_seen_and_a_second_look_then_reopens(
    app: TestApp,
    station: Station,
) {
    let mut his_feed = watch(&app, &station.his_key).await;
    let referral = station
        .assigned_referral(&app, "close-1", Priority::Routine)
        .await;
    plans::risky_assessment(&app, &station, &referral, "close-1-risk").await;
    let referral = read(&app, &station.worker_key, &referral.id).await;
    assert_eq!(referral.status(), ReferralStatus::InProgress);

    // A flag nobody acknowledged holds the case open, named.
    let summary = "协助家属申请医疗救助并已获批；出院后由社区继续随访";
    let refused = request(
        &app,
        &station.worker_key,
        &referral,
        closure(ClosureOutcome::GoalsMet, summary),
    )
    .await;
    assert_eq!(
        refusal(&refused),
        (
            tonic::Code::FailedPrecondition,
            "RISK_FLAGS_UNACKNOWLEDGED".into()
        )
    );
    assert_eq!(error_metadata(&refused, "count").as_deref(), Some("1"));
    // Nobody but the assigned worker asks.
    let (_, other_worker) = station
        .person(
            &app,
            "赵社工",
            CertificationLevel::Intermediate,
            yishe_proto::directory::Role::SocialWorker,
        )
        .await;
    let by_other = request(
        &app,
        &other_worker,
        &referral,
        closure(ClosureOutcome::GoalsMet, summary),
    )
    .await;
    assert_eq!(
        refusal(&by_other).0,
        tonic::Code::NotFound,
        "another worker does not even see the case"
    );

    // The supervisor sees the flag, then the worker asks.
    plans::acknowledge_flag(
        &mut app.assessments(Some(&station.supervisor_key)),
        &referral.id,
    )
    .await;
    let mut asked = closure(ClosureOutcome::GoalsMet, summary);
    asked.services_delivered = vec![ServiceDelivered {
        kind: InterventionKind::FundApplication as i32,
        count: 2,
    }];
    asked.satisfaction = 4;
    let pending = request(&app, &station.worker_key, &referral, asked.clone())
        .await
        .expect("requested");
    let c = pending.closure.clone().unwrap();
    assert_eq!(c.state(), ClosureState::PendingApproval);
    assert_eq!(c.requested_by_name, "Wang Fang");
    assert_eq!(c.satisfaction_label, "满意");
    assert_eq!(pending.status(), ReferralStatus::InProgress);
    let twice = request(&app, &station.worker_key, &pending, asked.clone()).await;
    assert_eq!(
        refusal(&twice),
        (tonic::Code::FailedPrecondition, "CLOSURE_PENDING".into())
    );
    // Nobody holds a case about to close; the department may not search the review.
    let held = app
        .referrals(Some(&station.worker_key))
        .hold_referral(HoldReferralRequest {
            referral_id: pending.id.clone(),
            etag: pending.etag.clone(),
            note: "患者转院".into(),
        })
        .await;
    assert_eq!(
        refusal(&held),
        (tonic::Code::FailedPrecondition, "CLOSURE_PENDING".into())
    );
    let searched = app
        .referrals(Some(&station.his_key))
        .list_referrals(ListReferralsRequest {
            filter: "closure_state=PENDING_APPROVAL".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(refusal(&searched).0, tonic::Code::InvalidArgument);
    // It waits in the supervisors' queue.
    let queue = app
        .referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest {
            filter: "closure_state=PENDING_APPROVAL".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referrals;
    assert_eq!(
        queue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [referral.id.as_str()]
    );
    // The department sees nothing of a request still under review.
    let his_view = read(&app, &station.his_key, &referral.id).await;
    assert!(his_view.closure.is_none());

    // A credential that is no person cannot decide; a person returns it with a note.
    let unlinked = approve(&app, &station.supervisor_key, &pending).await;
    assert_eq!(
        refusal(&unlinked),
        (
            tonic::Code::PermissionDenied,
            "APPROVER_NOT_A_PERSON".into()
        )
    );
    let (_, li) = plans::supervisor(&app, &station, "李督导", CertificationLevel::Senior).await;
    let returned = app
        .referrals(Some(&li))
        .return_closure(ReturnClosureRequest {
            referral_id: pending.id.clone(),
            etag: pending.etag.clone(),
            note: "请补充出院后的社区衔接情况".into(),
        })
        .await
        .expect("returned")
        .into_inner()
        .referral
        .unwrap();
    let c = returned.closure.clone().unwrap();
    assert_eq!(c.state(), ClosureState::Returned);
    assert_eq!(c.decision_note, "请补充出院后的社区衔接情况");
    let stale = approve(&app, &li, &pending).await;
    assert_eq!(refusal(&stale), (tonic::Code::Aborted, "STALE_ETAG".into()));
    let not_pending = approve(&app, &li, &returned).await;
    assert_eq!(
        refusal(&not_pending),
        (
            tonic::Code::FailedPrecondition,
            "CLOSURE_NOT_PENDING".into()
        )
    );

    // Asked again, approved: COMPLETED, ended, the summary the department's to read.
    let again = request(&app, &station.worker_key, &returned, asked)
        .await
        .expect("asked again");
    let done = approve(&app, &li, &again).await.expect("approved");
    assert_eq!(done.status(), ReferralStatus::Completed);
    assert!(done.end_time.is_some());
    assert_eq!(
        done.closure.as_ref().unwrap().state(),
        ClosureState::Approved
    );

    let his_view = read(&app, &station.his_key, &referral.id).await;
    let seen = his_view.closure.expect("the department reads the closure");
    assert_eq!(seen.outcome(), ClosureOutcome::GoalsMet);
    assert_eq!(seen.summary, summary);
    assert_eq!(seen.services_delivered.len(), 1);
    assert!(seen.goal_results.is_empty() && seen.decision_note.is_empty());
    assert!(seen.requested_by_name.is_empty() && seen.satisfaction == 0);
    assert!(seen.request_time.is_none() && seen.decide_time.is_some());
    assert_eq!(his_view.status_reason.unwrap().note, summary);

    // Closure scheduled the follow-ups after it and cancelled the safety check.
    let follow_ups = follow_ups_of(&app, &station, &referral.id).await;
    let after: Vec<_> = follow_ups
        .iter()
        .filter(|f| f.phase() == Phase::AfterClosure)
        .collect();
    assert_eq!(after.len(), 2, "a week and a month after: {follow_ups:?}");
    assert!(after.iter().all(|f| f.state() == FollowUpState::Scheduled
        && f.purpose() == Purpose::CheckIn
        && f.assignee_name == "Wang Fang"));
    let days: Vec<i64> = after
        .iter()
        .map(|f| (f.due_time.unwrap().seconds - done.end_time.unwrap().seconds) / 86_400)
        .collect();
    assert_eq!(days, [7, 30]);
    let safety = follow_ups
        .iter()
        .find(|f| f.purpose() == Purpose::SafetyCheck)
        .expect("the flag's safety check");
    assert_eq!(safety.state(), FollowUpState::Cancelled);

    // Reopened within the period: a new referral, linked, back with the same worker.
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let reopened = supervisor
        .reopen_referral(ReopenReferralRequest {
            referral_id: done.id.clone(),
            etag: done.etag.clone(),
            reason: "出院后家属再次求助：救助款未到账".into(),
        })
        .await
        .expect("reopened")
        .into_inner()
        .referral
        .unwrap();
    assert_ne!(reopened.id, done.id);
    assert_eq!(reopened.status(), ReferralStatus::Accepted);
    assert_eq!(reopened.reopened_from_referral_id, done.id);
    assert_eq!(reopened.assigned_worker_name, "Wang Fang");
    assert!(
        reopened
            .consent
            .as_ref()
            .unwrap()
            .reconfirmation
            .as_ref()
            .unwrap()
            .required
    );
    assert_eq!(
        read(&app, &station.supervisor_key, &done.id).await.status(),
        ReferralStatus::Completed,
        "the closed referral stays closed"
    );
    assert!(
        follow_ups_of(&app, &station, &done.id)
            .await
            .iter()
            .filter(|f| f.phase() == Phase::AfterClosure)
            .all(|f| f.state() == FollowUpState::Cancelled),
        "the reopened case plans its own follow-ups"
    );
    let twice = supervisor
        .reopen_referral(ReopenReferralRequest {
            referral_id: done.id.clone(),
            etag: done.etag.clone(),
            reason: "again".into(),
        })
        .await;
    assert_eq!(
        refusal(&twice),
        (
            tonic::Code::AlreadyExists,
            "REFERRAL_ALREADY_REOPENED".into()
        )
    );
    assert_eq!(
        error_metadata(&twice, "referral_id"),
        Some(reopened.id.clone())
    );

    // The first contact of the reopened case confirms the consent again.
    app.clock.advance(Duration::from_secs(60));
    let contact_time = Some(prost_types::Timestamp {
        seconds: yishe_domain::Clock::now(app.clock.as_ref()).timestamp() - 1,
        nanos: 0,
    });
    let contact = |reconfirmed: bool| RecordContactRequest {
        referral_id: reopened.id.clone(),
        request_id: format!("reopen-contact-{reconfirmed}"),
        contact: Some(Contact {
            contact_time,
            channel: Channel::Phone as i32,
            participants: vec!["女儿".into()],
            minutes: 15,
            note: "家属同意继续服务".into(),
            consent_reconfirmed: reconfirmed,
            ..Default::default()
        }),
    };
    let mut followups = app.followups(Some(&station.worker_key));
    let unconfirmed = followups.record_contact(contact(false)).await;
    assert_eq!(
        refusal(&unconfirmed),
        (
            tonic::Code::FailedPrecondition,
            "CONSENT_RECONFIRMATION_REQUIRED".into()
        )
    );
    followups
        .record_contact(contact(true))
        .await
        .expect("recorded");
    let consent = read(&app, &station.worker_key, &reopened.id)
        .await
        .consent
        .unwrap();
    let reconfirmation = consent.reconfirmation.unwrap();
    assert!(!reconfirmation.required && reconfirmation.reconfirm_time.is_some());

    // The department heard the milestones, never the station's review.
    let events = until(&mut his_feed, ReferralEventType::FirstContact).await;
    let types: Vec<_> = events
        .iter()
        .filter(|e| e.referral_id == referral.id || e.referral_id == reopened.id)
        .map(|e| e.r#type())
        .collect();
    for station_only in [
        ReferralEventType::ClosureRequested,
        ReferralEventType::ClosureReturned,
        ReferralEventType::FollowUpOverdue,
    ] {
        assert!(!types.contains(&station_only), "{types:?}");
    }
    let completed: Vec<_> = events
        .iter()
        .filter(|e| e.r#type() == ReferralEventType::Completed)
        .collect();
    assert_eq!(completed.len(), 1, "once: {types:?}");
    assert_eq!(completed[0].closure_outcome(), ClosureOutcome::GoalsMet);
    assert_eq!(completed[0].closure_summary, summary);
    let reopened_event = events
        .iter()
        .find(|e| e.r#type() == ReferralEventType::Reopened)
        .expect("REOPENED");
    assert_eq!(
        (
            reopened_event.referral_id.as_str(),
            reopened_event.related_referral_id.as_str()
        ),
        (reopened.id.as_str(), done.id.as_str())
    );
    assert!(events.iter().all(|e| e.assigned_worker_id.is_empty()));

    // The summary the department reads is sealed wherever it is stored.
    let stored = stored_closures(&app).await;
    assert!(stored.contains("GOALS_MET"), "the outcome stays plain");
    assert!(!stored.contains("医疗救助"), "a summary is stored in clear");
}

/// The closures and every event payload as stored, joined.
async fn stored_closures(app: &TestApp) -> String {
    use sqlx::Connection;
    let sql = "SELECT COALESCE(closure, '') || COALESCE(outcome, '') FROM referrals \
               UNION ALL SELECT payload FROM referral_outbox \
               UNION ALL SELECT payload FROM referral_feed";
    let rows: Vec<String> = match app.engine {
        crate::support::Engine::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
        }
        crate::support::Engine::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
        }
    };
    rows.join("|")
}

async fn goals_are_marked_and_protection_needs_an_experienced_approver(
    app: TestApp,
    station: Station,
) {
    let endpoint = PlanEndpoint::of(&app);
    let referral = plans::assigned_with_reasons(
        &app,
        &station,
        "protect-1",
        vec![ReferralReason::ChildProtection],
    )
    .await;
    let problems = plans::assess(&app, &station, &referral, "protect-a1", 12, true).await;
    let plan = plans::create(
        &endpoint,
        &station,
        &referral,
        "protect-plan",
        plans::two_goal_plan(&station, &problems),
    )
    .await
    .unwrap();
    let plan = plans::submit(&endpoint, &station.worker_key, &plan).await;
    let (_, senior) = plans::supervisor(&app, &station, "高督导", CertificationLevel::Senior).await;
    let plan = plans::approve(&endpoint, &senior, &plan)
        .await
        .expect("approved");
    let goals: Vec<String> = plan.goals.iter().map(|g| g.goal_id.clone()).collect();
    let referral = read(&app, &station.worker_key, &referral.id).await;

    // Every goal of the plan in force needs its result.
    let summary = "完成家庭评估并转介儿童保护机构";
    let unmarked = request(
        &app,
        &station.worker_key,
        &referral,
        closure(ClosureOutcome::ReferredElsewhere, summary),
    )
    .await;
    assert_eq!(
        refusal(&unmarked),
        (tonic::Code::FailedPrecondition, "GOALS_NOT_MARKED".into())
    );
    assert_eq!(error_metadata(&unmarked, "goal_ids"), Some(goals.join(",")));
    // The attainment-scale goal (the second) needs its level.
    let mut asked = closure(ClosureOutcome::ReferredElsewhere, summary);
    asked.goal_results = vec![
        GoalResult {
            goal_id: goals[0].clone(),
            result: GoalResultKind::PartlyMet as i32,
            attainment_level: None,
        },
        GoalResult {
            goal_id: goals[1].clone(),
            result: GoalResultKind::Met as i32,
            attainment_level: None,
        },
    ];
    let no_level = request(&app, &station.worker_key, &referral, asked.clone()).await;
    assert_eq!(refusal(&no_level).0, tonic::Code::InvalidArgument);
    asked.goal_results[1].attainment_level = Some(1);
    let pending = request(&app, &station.worker_key, &referral, asked)
        .await
        .expect("requested");
    assert_eq!(pending.closure.as_ref().unwrap().goal_results.len(), 2);

    // An assistant-level supervisor may not close a protection case; a senior may.
    let (_, junior) =
        plans::supervisor(&app, &station, "钱督导", CertificationLevel::Assistant).await;
    let too_junior = approve(&app, &junior, &pending).await;
    assert_eq!(
        refusal(&too_junior),
        (
            tonic::Code::PermissionDenied,
            "APPROVER_LEVEL_TOO_LOW".into()
        )
    );
    let done = approve(&app, &senior, &pending).await.expect("approved");
    assert_eq!(done.status(), ReferralStatus::Completed);
    assert_eq!(
        done.closure.unwrap().outcome(),
        ClosureOutcome::ReferredElsewhere
    );

    // The station's report counts the goals' results (plain counts, the results sealed).
    let t = yishe_domain::Clock::now(app.clock.as_ref()).timestamp();
    let report = app
        .reports(Some(&station.auditor_key))
        .get_station_report(yishe_proto::report::GetStationReportRequest {
            start_time: Some(prost_types::Timestamp {
                seconds: t - 86_400,
                nanos: 0,
            }),
            end_time: Some(prost_types::Timestamp {
                seconds: t + 60,
                nanos: 0,
            }),
            department_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap()
        .total
        .unwrap();
    assert_eq!(
        (
            report.goals_met,
            report.goals_partly_met,
            report.goals_not_met
        ),
        (1, 1, 0)
    );

    // Past the reopening period a closed case is not reopened.
    app.clock.advance(Duration::from_secs(31 * 86_400));
    let late = app
        .referrals(Some(&station.supervisor_key))
        .reopen_referral(ReopenReferralRequest {
            referral_id: done.id.clone(),
            etag: done.etag.clone(),
            reason: "家属来电".into(),
        })
        .await;
    assert_eq!(
        refusal(&late),
        (
            tonic::Code::FailedPrecondition,
            "REOPEN_PERIOD_PASSED".into()
        )
    );
}

async fn a_death_cancels_follow_ups_and_the_case_ends_failed(app: TestApp, station: Station) {
    let mut his_feed = watch(&app, &station.his_key).await;
    let referral = station
        .assigned_referral(&app, "died-1", Priority::Routine)
        .await;
    let due = yishe_domain::Clock::now(app.clock.as_ref()) + chrono::Duration::days(2);
    app.followups(Some(&station.worker_key))
        .schedule_follow_up(ScheduleFollowUpRequest {
            request_id: "died-f1".into(),
            follow_up: Some(yishe_proto::followup::FollowUp {
                referral_id: referral.id.clone(),
                purpose: Purpose::CheckIn as i32,
                channel: Channel::WardVisit as i32,
                due_time: Some(prost_types::Timestamp {
                    seconds: due.timestamp(),
                    nanos: 0,
                }),
                ..Default::default()
            }),
        })
        .await
        .expect("scheduled");

    // The department reports the death: the follow-up is cancelled in the same change.
    let current = read(&app, &station.his_key, &referral.id).await;
    let died_at = yishe_domain::Clock::now(app.clock.as_ref()) - chrono::Duration::hours(1);
    app.referrals(Some(&station.his_key))
        .update_referral(UpdateReferralRequest {
            referral_id: referral.id.clone(),
            etag: current.etag,
            referral: Some(Referral {
                patient: Some(Patient {
                    departure: Some(Departure {
                        kind: DepartureKind::Died as i32,
                        time: Some(prost_types::Timestamp {
                            seconds: died_at.timestamp(),
                            nanos: 0,
                        }),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["patient.departure".into()],
            }),
        })
        .await
        .expect("the departure is reported");
    let follow_ups = follow_ups_of(&app, &station, &referral.id).await;
    assert_eq!(follow_ups.len(), 1);
    assert_eq!(follow_ups[0].state(), FollowUpState::Cancelled);

    // Closed as PATIENT_DIED from ACCEPTED: FAILED, and nothing scheduled after it.
    let referral = read(&app, &station.worker_key, &referral.id).await;
    let pending = request(
        &app,
        &station.worker_key,
        &referral,
        closure(
            ClosureOutcome::PatientDied,
            "患者于住院期间离世，已为家属提供哀伤支持资源",
        ),
    )
    .await
    .expect("requested");
    let (_, li) =
        plans::supervisor(&app, &station, "李督导", CertificationLevel::Intermediate).await;
    let done = approve(&app, &li, &pending).await.expect("approved");
    assert_eq!(done.status(), ReferralStatus::Failed);
    assert!(
        follow_ups_of(&app, &station, &referral.id)
            .await
            .iter()
            .all(|f| f.phase() == Phase::DuringCase),
        "no follow-up after a death"
    );
    let events = until(&mut his_feed, ReferralEventType::Failed).await;
    let failed = events.last().unwrap();
    assert_eq!(failed.closure_outcome(), ClosureOutcome::PatientDied);
    assert_eq!(failed.status(), ReferralStatus::Failed);

    assert!(!failed.closure_summary.is_empty());

    // Erased at the patient's request: the summary the feed carried goes too.
    app.patient_rights(Some(&station.admin_key))
        .erase_patient_data(yishe_proto::privacy::ErasePatientDataRequest {
            hospital_id: "h1".into(),
            his_patient_id: "MRN-000123".into(),
            reason: "患者家属依《个人信息保护法》第47条申请删除".into(),
        })
        .await
        .expect("erased");
    let mut replay = app
        .referrals(Some(&station.his_key))
        .watch_referral_events(WatchReferralEventsRequest {
            start_at: Some(watch_referral_events_request::StartAt::From(
                FeedStart::Beginning as i32,
            )),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let replayed = until(&mut replay, ReferralEventType::Failed).await;
    let again = replayed.last().unwrap();
    assert_eq!(again.closure_outcome(), ClosureOutcome::PatientDied);
    assert!(again.closure_summary.is_empty(), "{again:?}");

    // Nor is a case reopened once the patient's details are gone.
    let erased = app
        .referrals(Some(&station.supervisor_key))
        .reopen_referral(ReopenReferralRequest {
            referral_id: done.id.clone(),
            etag: read(&app, &station.supervisor_key, &done.id).await.etag,
            reason: "家属来电".into(),
        })
        .await;
    assert_eq!(
        refusal(&erased),
        (
            tonic::Code::FailedPrecondition,
            "PATIENT_DATA_ERASED".into()
        )
    );
}
