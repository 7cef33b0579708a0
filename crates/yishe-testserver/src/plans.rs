//! Service plan test support: the case a plan starts from (an assigned referral
//! assessed with problems), a plan of two goals and three interventions, supervisors
//! who are persons, and the plan calls, sent to the all-in-one server or to a
//! `yishe-plan` running beside it (`PlanEndpoint`).

use tonic::transport::Channel;
use yishe_proto::assessment::{
    IdentifiedProblem, InstrumentResponse, ProblemCategory, PsychosocialAssessment, Severity,
    SubmitAssessmentRequest,
};
use yishe_proto::client::Bearer;
use yishe_proto::common::Priority;
use yishe_proto::directory::{CertificationLevel, Role};
use yishe_proto::plan::plan_service_client::PlanServiceClient;
use yishe_proto::plan::*;
use yishe_proto::referral::{
    AcceptReferralRequest, AssignReferralRequest, Referral, ReferralReason,
};

use crate::{Beside, Plans, Station, TestApp};

/// Where plan calls go: the all-in-one server, or a `yishe-plan` process beside it.
#[derive(Debug, Clone)]
pub struct PlanEndpoint(Channel);

impl PlanEndpoint {
    /// The all-in-one server's plan service.
    pub fn of(app: &TestApp) -> Self {
        Self(app.channel.clone())
    }

    /// The plan service of a process started with `Beside`.
    pub async fn beside(process: &Beside) -> Self {
        let channel = Channel::from_shared(process.grpc.clone())
            .expect("a valid address")
            .connect()
            .await
            .expect("the process beside answers");
        Self(channel)
    }

    /// A client that authenticates with `key`.
    pub fn client(&self, key: &str) -> Plans {
        PlanServiceClient::with_interceptor(
            self.0.clone(),
            Bearer::new(Some(key)).expect("ascii key"),
        )
    }
}

/// A supervisor who is a person: (worker id, key).
pub async fn supervisor(
    app: &TestApp,
    station: &Station,
    name: &str,
    level: CertificationLevel,
) -> (String, String) {
    station.person(app, name, level, Role::Supervisor).await
}

/// PHQ-9 answers totalling `total` (at most 18, item 9 always 0).
pub fn phq9(total: i32) -> InstrumentResponse {
    let answers = (1..=9)
        .map(|i| {
            let value = if i == 9 {
                0
            } else {
                (total - 2 * (i - 1)).clamp(0, 2)
            };
            (format!("item{i}"), value)
        })
        .collect();
    InstrumentResponse {
        instrument_id: "phq9".into(),
        version: 1,
        answers,
        ..Default::default()
    }
}

/// Records an assessment of `referral` by the assigned worker: a PHQ-9 of `total` and,
/// when `problems` is set, a financial and an emotional problem. Returns the ids of
/// the problems it identified.
pub async fn assess(
    app: &TestApp,
    station: &Station,
    referral: &Referral,
    request_id: &str,
    total: i32,
    problems: bool,
) -> Vec<String> {
    let psychosocial = problems.then(|| PsychosocialAssessment {
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
    });
    let assessment = app
        .assessments(Some(&station.worker_key))
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: referral.id.clone(),
            request_id: request_id.into(),
            responses: vec![phq9(total)],
            psychosocial,
            ..Default::default()
        })
        .await
        .expect("the assessment is recorded")
        .into_inner()
        .assessment
        .unwrap();
    assert_eq!(
        assessment.responses[0].total,
        Some(total),
        "the PHQ-9 helper"
    );
    assessment
        .psychosocial
        .map(|p| p.problems.into_iter().map(|p| p.problem_id).collect())
        .unwrap_or_default()
}

/// Records a PHQ-9 answering item 9 (thoughts of self-harm) for `referral`, by the
/// assigned worker: the case is IN_PROGRESS with a risk flag (and its safety check).
pub async fn risky_assessment(
    app: &TestApp,
    station: &Station,
    referral: &Referral,
    request_id: &str,
) {
    app.assessments(Some(&station.worker_key))
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: referral.id.clone(),
            request_id: request_id.into(),
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
        .expect("a risky assessment");
}

/// Acknowledges the referral's first open risk flag through `assessments` (a
/// supervisor's client, on whichever process serves it), with a safety note.
pub async fn acknowledge_flag(assessments: &mut crate::Assessments, referral: &str) {
    let flag = assessments
        .list_risk_flags(yishe_proto::assessment::ListRiskFlagsRequest {
            referral_id: referral.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .risk_flags
        .remove(0);
    assessments
        .acknowledge_risk_flag(yishe_proto::assessment::AcknowledgeRiskFlagRequest {
            risk_flag_id: flag.risk_flag_id,
            etag: flag.etag,
            note: "已与患者和病区沟通，制定安全计划".into(),
        })
        .await
        .expect("acknowledged");
}

/// A referral accepted, assigned to the seeded worker and assessed with two problems
/// and a PHQ-9 of 12: the case a plan starts from. Returns it with the problem ids.
pub async fn assessed_case(
    app: &TestApp,
    station: &Station,
    name: &str,
) -> (Referral, Vec<String>) {
    let referral = station
        .assigned_referral(app, name, Priority::Routine)
        .await;
    let problems = assess(app, station, &referral, &format!("{name}-a1"), 12, true).await;
    assert_eq!(problems.len(), 2, "every problem gets an id");
    (referral, problems)
}

/// A referral with `reasons`, accepted and assigned to the seeded worker.
pub async fn assigned_with_reasons(
    app: &TestApp,
    station: &Station,
    name: &str,
    reasons: Vec<ReferralReason>,
) -> Referral {
    let mut request = station.referral_request(&station.department, name);
    request.referral.as_mut().unwrap().reasons = reasons.into_iter().map(|r| r as i32).collect();
    let created = app
        .referrals(Some(&station.his_key))
        .create_referral(request)
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: accepted.id,
            etag: accepted.etag,
            social_worker_id: station.worker.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap()
}

pub fn date(year: i32, month: i32, day: i32) -> Option<yishe_proto::Date> {
    Some(yishe_proto::Date { year, month, day })
}

/// Goal 0: PHQ-9 below 10, for the emotional problem.
pub fn phq9_goal(problem: &str) -> Goal {
    Goal {
        problem_ids: vec![problem.into()],
        description: "情绪低落缓解，能够配合治疗".into(),
        measure: Some(goal::Measure::InstrumentTarget(InstrumentTarget {
            instrument_id: "phq9".into(),
            comparator: Comparator::Below as i32,
            target: 10,
            ..Default::default()
        })),
        target_date: date(2027, 1, 31),
        ..Default::default()
    }
}

/// Goal 1: medical assistance obtained, by attainment scaling.
pub fn gas_goal(problem: &str) -> Goal {
    let levels = [
        (-2, "未提交任何救助申请"),
        (-1, "已准备材料但未提交"),
        (0, "已提交医疗救助申请"),
        (1, "医疗救助获批"),
        (2, "医疗救助与慈善救助均获批"),
    ];
    Goal {
        problem_ids: vec![problem.into()],
        description: "获得医疗救助，减轻住院费用负担".into(),
        measure: Some(goal::Measure::AttainmentScale(AttainmentScale {
            levels: levels
                .iter()
                .map(|(level, text)| AttainmentLevel {
                    level: *level,
                    description: (*text).into(),
                })
                .collect(),
            ..Default::default()
        })),
        ..Default::default()
    }
}

pub fn intervention(
    goals: &[&str],
    kind: InterventionKind,
    what: &str,
    worker: &str,
) -> Intervention {
    Intervention {
        goal_ids: goals.iter().map(|g| (*g).to_owned()).collect(),
        kind: kind as i32,
        description: what.into(),
        responsible_worker_id: worker.into(),
        due_date: date(2026, 12, 20),
        ..Default::default()
    }
}

/// A plan of two goals (PHQ-9 target, attainment scaling) and three interventions,
/// for a case with `problems` (emotional second, financial first).
pub fn two_goal_plan(station: &Station, problems: &[String]) -> ServicePlan {
    ServicePlan {
        goals: vec![phq9_goal(&problems[1]), gas_goal(&problems[0])],
        interventions: vec![
            intervention(
                &["#0"],
                InterventionKind::Counselling,
                "每周两次心理疏导",
                &station.worker,
            ),
            intervention(
                &["#1"],
                InterventionKind::FundApplication,
                "协助家属申请医疗救助",
                &station.worker,
            ),
            intervention(
                &["#0", "#1"],
                InterventionKind::VolunteerCompanionship,
                "志愿者陪同检查",
                &station.worker,
            ),
        ],
        review_date: date(2026, 12, 31),
        ..Default::default()
    }
}

/// Drafts `plan` for `referral` as the assigned worker.
pub async fn create(
    plans: &PlanEndpoint,
    station: &Station,
    referral: &Referral,
    request_id: &str,
    plan: ServicePlan,
) -> Result<ServicePlan, tonic::Status> {
    plans
        .client(&station.worker_key)
        .create_plan(CreatePlanRequest {
            referral_id: referral.id.clone(),
            plan: Some(plan),
            request_id: request_id.into(),
        })
        .await
        .map(|r| r.into_inner().plan.unwrap())
}

/// Submits `plan` with `key`.
pub async fn submit(plans: &PlanEndpoint, key: &str, plan: &ServicePlan) -> ServicePlan {
    plans
        .client(key)
        .submit_plan(SubmitPlanRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag.clone(),
        })
        .await
        .expect("submitted")
        .into_inner()
        .plan
        .unwrap()
}

/// Approves `plan` with `key`.
pub async fn approve(
    plans: &PlanEndpoint,
    key: &str,
    plan: &ServicePlan,
) -> Result<ServicePlan, tonic::Status> {
    plans
        .client(key)
        .approve_plan(ApprovePlanRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag.clone(),
            note: String::new(),
        })
        .await
        .map(|r| r.into_inner().plan.unwrap())
}

/// What a volunteer may never see of the case: the clinical summary, the assessment's
/// problems and narrative, the plan's goals (as the helpers above write them).
pub const CASE_CONTENT: [&str; 5] = [
    "metastatic gastric cancer",
    "cannot pay the deposit",
    "worried about",
    "情绪低落",
    "获得医疗救助",
];

/// Fails if `task`, as a volunteer received it, shows anything of the case.
pub fn shows_no_case_content(task: &VolunteerTask) {
    let seen = format!("{task:?}");
    for secret in CASE_CONTENT {
        assert!(
            !seen.contains(secret),
            "a volunteer saw {secret:?} in {seen}"
        );
    }
}

/// A referral assessed with problems and a plan of two goals drafted for it, as the
/// assigned worker drafts it: (referral, plan).
pub async fn drafted_plan(
    app: &TestApp,
    station: &Station,
    plans: &PlanEndpoint,
    name: &str,
) -> (Referral, ServicePlan) {
    let (referral, problems) = assessed_case(app, station, name).await;
    let plan = create(
        plans,
        station,
        &referral,
        name,
        two_goal_plan(station, &problems),
    )
    .await
    .expect("the plan is drafted");
    (referral, plan)
}
