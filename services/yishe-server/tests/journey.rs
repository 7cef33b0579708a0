//! The whole closed loop, on both engines, once in the all-in-one server and once with
//! every service as its own process (`yishe-referral`, `yishe-assessment`,
//! `yishe-plan`, `yishe-followup` beside the server that holds the database, each
//! call sent to its own service's process, every process on the test's moved clock):
//! the HIS refers; the station accepts and assigns; an assessment raises a risk flag
//! whose safety check, with the clock moved past it, is marked overdue and escalated
//! with nobody calling; the plan is approved; contacts tell the department of the
//! first contact and a progress note; closure is refused while the flag is open, then
//! returned, then approved by another supervisor; the department hears COMPLETED with
//! the outcome and the summary; follow-ups after closure are scheduled; the case is
//! reopened. The department's watch saw every milestone once and nothing of the
//! station's own steps or of the patient.

use std::collections::BTreeMap;
use std::time::Duration;

use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use yishe_proto::assessment::assessment_service_client::AssessmentServiceClient;
use yishe_proto::assessment::*;
use yishe_proto::client::Bearer;
use yishe_proto::directory::CertificationLevel;
use yishe_proto::followup::follow_up_service_client::FollowUpServiceClient;
use yishe_proto::followup::{
    Channel as ContactChannel, Contact, FollowUpState, ListFollowUpsRequest, Phase, Purpose,
    RecordContactRequest,
};
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_proto::referral::*;
use yishe_testserver::feed::{Feed, events_until as until};
use yishe_testserver::plans::{self, PlanEndpoint};
use yishe_testserver::{Beside, Engine, Station, TestApp, workspace_binary};

/// Where each service's calls go.
struct Endpoints {
    referral: Channel,
    assessment: Channel,
    plan: PlanEndpoint,
    followup: Channel,
    /// The processes beside the server, killed when the test ends.
    _processes: Vec<Beside>,
}

impl Endpoints {
    fn referrals(&self, key: &str) -> ReferralServiceClient<InterceptedService<Channel, Bearer>> {
        ReferralServiceClient::with_interceptor(self.referral.clone(), bearer(key))
    }

    fn assessments(
        &self,
        key: &str,
    ) -> AssessmentServiceClient<InterceptedService<Channel, Bearer>> {
        AssessmentServiceClient::with_interceptor(self.assessment.clone(), bearer(key))
    }

    fn followups(&self, key: &str) -> FollowUpServiceClient<InterceptedService<Channel, Bearer>> {
        FollowUpServiceClient::with_interceptor(self.followup.clone(), bearer(key))
    }
}

fn bearer(key: &str) -> Bearer {
    Bearer::new(Some(key)).expect("ascii key")
}

async fn connect(process: &Beside) -> Channel {
    Channel::from_shared(process.grpc.clone())
        .expect("a valid address")
        .connect()
        .await
        .expect("the process answers")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    AllInOne,
    OwnProcesses,
}

async fn endpoints(app: &TestApp, place: Place, dir: &std::path::Path) -> Endpoints {
    if place == Place::AllInOne {
        return Endpoints {
            referral: app.channel.clone(),
            assessment: app.channel.clone(),
            plan: PlanEndpoint::of(app),
            followup: app.channel.clone(),
            _processes: Vec::new(),
        };
    }
    let start = |name: &str| {
        let data = dir.join(name);
        std::fs::create_dir_all(&data).unwrap();
        Beside::start(workspace_binary(name).to_str().unwrap(), app, &data)
    };
    let referral = start("yishe-referral");
    let assessment = start("yishe-assessment");
    let plan = start("yishe-plan");
    let followup = start("yishe-followup");
    Endpoints {
        referral: connect(&referral).await,
        assessment: connect(&assessment).await,
        plan: PlanEndpoint::beside(&plan).await,
        followup: connect(&followup).await,
        _processes: vec![referral, assessment, plan, followup],
    }
}

async fn watch(e: &Endpoints, key: &str) -> Feed {
    e.referrals(key)
        .watch_referral_events(WatchReferralEventsRequest::from_now())
        .await
        .expect("a watch")
        .into_inner()
}

async fn read(e: &Endpoints, key: &str, id: &str) -> Referral {
    e.referrals(key)
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

fn reason<T>(result: &Result<T, tonic::Status>) -> String {
    use tonic_types::StatusExt;
    match result {
        Ok(_) => String::new(),
        Err(status) => status
            .get_details_error_info()
            .map(|info| info.reason)
            .unwrap_or_else(|| format!("{status:?}")),
    }
}

async fn journey(engine: Engine, place: Place) {
    // Split, the server beside the processes runs no watch of its own (its interval is
    // an hour): the overdue follow-up is then marked by the follow-up process.
    let Some(app) = TestApp::spawn_with(engine, |c| {
        if place == Place::OwnProcesses {
            c.referral.sla_check_interval_secs = 3600;
        }
    })
    .await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let e = endpoints(&app, place, dir.path()).await;
    let mut his_feed = watch(&e, &station.his_key).await;
    let mut station_feed = watch(&e, &station.supervisor_key).await;
    // Every message so far has been relayed: the watches start from here.
    let _ = (his_feed.message().await, station_feed.message().await);

    // The department refers; the station accepts and assigns.
    let created = e
        .referrals(&station.his_key)
        .create_referral(station.referral_request(&station.department, "journey-1"))
        .await
        .expect("referred")
        .into_inner()
        .referral
        .unwrap();
    let mut supervisor = e.referrals(&station.supervisor_key);
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
        })
        .await
        .expect("accepted")
        .into_inner()
        .referral
        .unwrap();
    supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: accepted.id.clone(),
            etag: accepted.etag,
            social_worker_id: station.worker.clone(),
        })
        .await
        .expect("assigned");
    let id = created.id.clone();

    // The assessment: thoughts of self-harm (PHQ-9 item 9), and two problems.
    let mut answers = plans::phq9(10);
    answers.answers.insert("item9".into(), 1);
    let assessment = e
        .assessments(&station.worker_key)
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: id.clone(),
            request_id: "journey-a1".into(),
            responses: vec![answers],
            psychosocial: Some(PsychosocialAssessment {
                problems: vec![
                    IdentifiedProblem {
                        category: ProblemCategory::Financial as i32,
                        severity: Severity::Severe as i32,
                        description: "cannot pay the deposit".into(),
                        ..Default::default()
                    },
                    IdentifiedProblem {
                        category: ProblemCategory::Emotional as i32,
                        severity: Severity::Moderate as i32,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("assessed")
        .into_inner()
        .assessment
        .unwrap();
    let problems: Vec<String> = assessment
        .psychosocial
        .unwrap()
        .problems
        .into_iter()
        .map(|p| p.problem_id)
        .collect();

    // The safety check the flag scheduled passes its time; nobody calls.
    let checks = e
        .followups(&station.supervisor_key)
        .list_follow_ups(ListFollowUpsRequest {
            referral_id: id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].purpose(), Purpose::SafetyCheck);
    app.clock.advance(Duration::from_secs(25 * 3600));
    let station_saw = until(&mut station_feed, ReferralEventType::FollowUpEscalated).await;
    assert!(
        station_saw
            .iter()
            .any(|ev| ev.r#type() == ReferralEventType::FollowUpOverdue),
        "{station_saw:?}"
    );
    let escalated = e
        .followups(&station.supervisor_key)
        .list_follow_ups(ListFollowUpsRequest {
            escalated_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert_eq!(escalated.len(), 1, "on the supervisors' overdue list");

    // The plan, approved by a supervisor who is a person.
    let (_, senior) = plans::supervisor(&app, &station, "高督导", CertificationLevel::Senior).await;
    let (_, li) =
        plans::supervisor(&app, &station, "李督导", CertificationLevel::Intermediate).await;
    let referral = read(&e, &station.worker_key, &id).await;
    let plan = plans::create(
        &e.plan,
        &station,
        &referral,
        "journey-plan",
        plans::two_goal_plan(&station, &problems),
    )
    .await
    .expect("drafted");
    let plan = plans::submit(&e.plan, &station.worker_key, &plan).await;
    let plan = plans::approve(&e.plan, &senior, &plan)
        .await
        .expect("approved");

    // Contacts: the first, with a progress note for the department.
    let now = yishe_domain::Clock::now(app.clock.as_ref());
    e.followups(&station.worker_key)
        .record_contact(RecordContactRequest {
            referral_id: id.clone(),
            request_id: "journey-c1".into(),
            contact: Some(Contact {
                contact_time: Some(prost_types::Timestamp {
                    seconds: now.timestamp() - 60,
                    nanos: 0,
                }),
                channel: ContactChannel::WardVisit as i32,
                participants: vec!["患者".into(), "女儿".into()],
                minutes: 40,
                note: "家属担心费用，情绪焦虑".into(),
                department_note: "已开始协助申请医疗救助".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("a contact");

    // Closure while the flag is open: refused, naming it.
    let summary = "协助家属申请医疗救助并已获批，出院后由社区继续随访";
    let closure = |goals: Vec<GoalResult>| Closure {
        outcome: ClosureOutcome::GoalsMet as i32,
        summary: summary.into(),
        goal_results: goals,
        ..Default::default()
    };
    let goals = vec![
        GoalResult {
            goal_id: plan.goals[0].goal_id.clone(),
            result: GoalResultKind::PartlyMet as i32,
            attainment_level: None,
        },
        GoalResult {
            goal_id: plan.goals[1].goal_id.clone(),
            result: GoalResultKind::Met as i32,
            attainment_level: Some(1),
        },
    ];
    let request = |referral: &Referral| RequestClosureRequest {
        referral_id: referral.id.clone(),
        etag: referral.etag.clone(),
        closure: Some(closure(goals.clone())),
    };
    let mut worker = e.referrals(&station.worker_key);
    let referral = read(&e, &station.worker_key, &id).await;
    let refused = worker.request_closure(request(&referral)).await;
    assert_eq!(reason(&refused), "RISK_FLAGS_UNACKNOWLEDGED");

    plans::acknowledge_flag(&mut e.assessments(&station.supervisor_key), &id).await;

    // Requested, returned, requested again, approved by another supervisor.
    let referral = read(&e, &station.worker_key, &id).await;
    let pending = worker
        .request_closure(request(&referral))
        .await
        .expect("requested")
        .into_inner()
        .referral
        .unwrap();
    let returned = e
        .referrals(&li)
        .return_closure(ReturnClosureRequest {
            referral_id: id.clone(),
            etag: pending.etag,
            note: "请补充出院后的社区衔接".into(),
        })
        .await
        .expect("returned")
        .into_inner()
        .referral
        .unwrap();
    let pending = worker
        .request_closure(request(&returned))
        .await
        .expect("requested again")
        .into_inner()
        .referral
        .unwrap();
    let done = e
        .referrals(&senior)
        .approve_closure(ApproveClosureRequest {
            referral_id: id.clone(),
            etag: pending.etag,
            note: String::new(),
        })
        .await
        .expect("approved")
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(done.status(), ReferralStatus::Completed);

    // Follow-ups after closure, and the safety check long done with.
    let follow_ups = e
        .followups(&station.supervisor_key)
        .list_follow_ups(ListFollowUpsRequest {
            referral_id: id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    let after: Vec<_> = follow_ups
        .iter()
        .filter(|f| f.phase() == Phase::AfterClosure && f.state() == FollowUpState::Scheduled)
        .collect();
    assert_eq!(after.len(), 2, "{follow_ups:?}");

    // Reopened into a linked referral.
    let reopened = supervisor
        .reopen_referral(ReopenReferralRequest {
            referral_id: id.clone(),
            etag: done.etag,
            reason: "出院后家属再次求助".into(),
        })
        .await
        .expect("reopened")
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(reopened.reopened_from_referral_id, id);

    // What the department heard: every milestone once, in order, nothing else.
    let heard = until(&mut his_feed, ReferralEventType::Reopened).await;
    let mut counts: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for event in &heard {
        let of = if event.referral_id == id {
            "case"
        } else {
            "reopened"
        };
        *counts
            .entry((of.to_owned(), event.r#type().as_str_name()))
            .or_default() += 1;
    }
    let expected: BTreeMap<(String, &str), usize> = [
        ("case", "REFERRAL_EVENT_TYPE_CREATED"),
        ("case", "REFERRAL_EVENT_TYPE_ACCEPTED"),
        ("case", "REFERRAL_EVENT_TYPE_ASSIGNED"),
        ("case", "REFERRAL_EVENT_TYPE_STARTED"),
        ("case", "REFERRAL_EVENT_TYPE_RISK_FLAG_RAISED"),
        ("case", "REFERRAL_EVENT_TYPE_RISK_FLAG_ACKNOWLEDGED"),
        ("case", "REFERRAL_EVENT_TYPE_PLAN_APPROVED"),
        ("case", "REFERRAL_EVENT_TYPE_FIRST_CONTACT"),
        ("case", "REFERRAL_EVENT_TYPE_PROGRESS_NOTE_SHARED"),
        ("case", "REFERRAL_EVENT_TYPE_COMPLETED"),
        ("reopened", "REFERRAL_EVENT_TYPE_CREATED"),
        ("reopened", "REFERRAL_EVENT_TYPE_REOPENED"),
    ]
    .into_iter()
    .map(|(of, kind)| ((of.to_owned(), kind), 1))
    .collect();
    assert_eq!(counts, expected, "{heard:#?}");
    let sequences: Vec<u64> = heard.iter().map(|ev| ev.sequence).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "in feed order");
    let completed = heard
        .iter()
        .find(|ev| ev.r#type() == ReferralEventType::Completed)
        .unwrap();
    assert_eq!(completed.closure_outcome(), ClosureOutcome::GoalsMet);
    assert_eq!(completed.closure_summary, summary);
    let shown = format!("{heard:?}");
    for secret in [
        "陈建国",
        "MRN-000123",
        "metastatic",
        "cannot pay",
        "情绪焦虑",
    ] {
        assert!(
            !shown.contains(secret),
            "the department's feed shows {secret}"
        );
    }
    assert!(heard.iter().all(|ev| ev.assigned_worker_id.is_empty()));
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
async fn sqlite_with_every_service_as_its_own_process() {
    journey(Engine::Sqlite, Place::OwnProcesses).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_with_every_service_as_its_own_process() {
    journey(Engine::Postgres, Place::OwnProcesses).await;
}
