//! Closure (结案): the assigned worker asks to close a case with an outcome, a summary
//! for the department, the services delivered and the result of every goal; a
//! supervisor other than the requester approves or returns it, or the worker withdraws
//! it. What may still block a closure (open risk flags, volunteer tasks, a plan
//! revision, unmarked goals) lives in other services' rows: the referral service reads
//! it in the closure's own transaction as `OpenWork` and checks it here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::directory::CertificationLevel;
use crate::named::named_enum;
use crate::plan::InterventionKind;
use crate::referral::{Command, ReferralReason, Status};
use crate::{Code, GoalId, ServiceError, SocialWorkerId, Violations};

const MAX_SUMMARY: usize = 2000;
const MAX_NOTE: usize = 2000;
const MAX_COUNT: u32 = 1000;

named_enum!(
    /// How a case ended (the domain's eight outcomes).
    ClosureOutcome {
        GoalsMet => "GOALS_MET",
        GoalsPartiallyMet => "GOALS_PARTIALLY_MET",
        ReferredElsewhere => "REFERRED_ELSEWHERE",
        Other => "OTHER",
        PatientDeclinedServices => "PATIENT_DECLINED_SERVICES",
        PatientDischargedOrTransferred => "PATIENT_DISCHARGED_OR_TRANSFERRED",
        PatientDied => "PATIENT_DIED",
        LostContact => "LOST_CONTACT",
    }
);

impl ClosureOutcome {
    /// The status approval gives the referral: COMPLETED when the case was served to
    /// its end (its goals met or partly met, handed on elsewhere, or another ending the
    /// summary explains); FAILED when the patient could not be served (declined,
    /// left the hospital first, died, could not be reached).
    pub fn final_status(self) -> Status {
        match self {
            ClosureOutcome::GoalsMet
            | ClosureOutcome::GoalsPartiallyMet
            | ClosureOutcome::ReferredElsewhere
            | ClosureOutcome::Other => Status::Completed,
            ClosureOutcome::PatientDeclinedServices
            | ClosureOutcome::PatientDischargedOrTransferred
            | ClosureOutcome::PatientDied
            | ClosureOutcome::LostContact => Status::Failed,
        }
    }

    /// The status machine's command that ends the case this way.
    pub fn command(self) -> Command {
        match self.final_status() {
            Status::Completed => Command::Complete,
            _ => Command::Fail,
        }
    }
}

named_enum!(
    /// Where a closure stands.
    ClosureState {
        PendingApproval => "PENDING_APPROVAL",
        Returned => "RETURNED",
        Withdrawn => "WITHDRAWN",
        Approved => "APPROVED",
    }
);

named_enum!(
    /// How far a goal was reached, at closure.
    GoalResultKind {
        Met => "MET",
        PartlyMet => "PARTLY_MET",
        NotMet => "NOT_MET",
    }
);

/// One kind of service delivered, and how many times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDelivered {
    pub kind: InterventionKind,
    pub count: u32,
}

/// The result of one goal of the plan in force; `level` for attainment-scale goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalResult {
    pub goal: GoalId,
    pub result: GoalResultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<i32>,
}

/// Who requests or decides a closure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosurePerson {
    /// The credential's subject.
    pub subject: String,
    /// The social worker record it is linked to.
    pub worker: Option<SocialWorkerId>,
    /// That worker's display name (empty without one).
    pub name: String,
}

/// A case's closure as stored on the referral (sealed: the summary speaks of the
/// patient).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub state: ClosureState,
    pub outcome: ClosureOutcome,
    pub summary: String,
    pub services: Vec<ServiceDelivered>,
    pub goals: Vec<GoalResult>,
    /// On the station's scale, 1 to its number of levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u32>,
    pub requested_by: ClosurePerson,
    pub requested_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<ClosurePerson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decision_note: String,
}

/// A goal result as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GoalResultDraft {
    pub goal_id: String,
    pub result: String,
    pub level: Option<i32>,
}

/// A closure request as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClosureDraft {
    pub outcome: String,
    pub summary: String,
    /// (kind, count) pairs.
    pub services: Vec<(String, u32)>,
    pub goals: Vec<GoalResultDraft>,
    /// 0: not given.
    pub satisfaction: u32,
}

/// A closure request, checked on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureRequest {
    pub outcome: ClosureOutcome,
    pub summary: String,
    pub services: Vec<ServiceDelivered>,
    pub goals: Vec<GoalResult>,
    pub satisfaction: Option<u32>,
}

impl ClosureDraft {
    /// The request, or every offending field under `closure.`; `satisfaction_levels`
    /// is the size of the station's scale.
    pub fn validate(self, satisfaction_levels: u32) -> Result<ClosureRequest, Violations> {
        let mut v = Violations::new();
        let outcome = ClosureOutcome::parse(&self.outcome);
        if outcome.is_none() {
            v.add(
                "closure.outcome",
                "is required: one of GOALS_MET, GOALS_PARTIALLY_MET, REFERRED_ELSEWHERE, OTHER, PATIENT_DECLINED_SERVICES, PATIENT_DISCHARGED_OR_TRANSFERRED, PATIENT_DIED, LOST_CONTACT",
            );
        }
        let summary = v.required_text("closure.summary", &self.summary, MAX_SUMMARY);
        let mut services = Vec::new();
        for (i, (kind, count)) in self.services.iter().enumerate() {
            let field = format!("closure.services_delivered[{i}]");
            match InterventionKind::parse(kind) {
                None => v.add(format!("{field}.kind"), "is required: an intervention kind"),
                Some(kind) if services.iter().any(|s: &ServiceDelivered| s.kind == kind) => {
                    v.add(format!("{field}.kind"), "is named twice")
                }
                Some(kind) => services.push(ServiceDelivered {
                    kind,
                    count: *count,
                }),
            }
            if !(1..=MAX_COUNT).contains(count) {
                v.add(format!("{field}.count"), "must be 1 to 1000");
            }
        }
        let mut goals: Vec<GoalResult> = Vec::new();
        for (i, draft) in self.goals.iter().enumerate() {
            let field = format!("closure.goal_results[{i}]");
            let goal = GoalId::parse(&draft.goal_id);
            let result = GoalResultKind::parse(&draft.result);
            match goal {
                None => v.add(
                    format!("{field}.goal_id"),
                    "is required: a goal of the plan",
                ),
                Some(goal) if goals.iter().any(|g| g.goal == goal) => {
                    v.add(format!("{field}.goal_id"), "is named twice")
                }
                Some(_) => {}
            }
            if result.is_none() {
                v.add(
                    format!("{field}.result"),
                    "is required: MET, PARTLY_MET or NOT_MET",
                );
            }
            if let (Some(goal), Some(result)) = (goal, result) {
                goals.push(GoalResult {
                    goal,
                    result,
                    level: draft.level,
                });
            }
        }
        if self.satisfaction > satisfaction_levels {
            v.add(
                "closure.satisfaction",
                format!("must be 1 to {satisfaction_levels}, or 0 when not given"),
            );
        }
        match outcome {
            Some(outcome) if v.is_empty() => Ok(ClosureRequest {
                outcome,
                summary,
                services,
                goals,
                satisfaction: (self.satisfaction > 0).then_some(self.satisfaction),
            }),
            _ => Err(v),
        }
    }
}

/// What the rest of the case still holds open, read in the closure's transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenWork {
    pub unacknowledged_risk_flags: usize,
    pub open_volunteer_tasks: usize,
    /// A plan version awaiting a supervisor's decision.
    pub pending_plan_version: Option<u32>,
    /// The goals of the plan in force, each with whether it is measured on an
    /// attainment scale (whose result needs a level).
    pub goals: Vec<(GoalId, bool)>,
    /// The kinds of the plan's interventions marked DONE, one entry each.
    pub done_interventions: Vec<InterventionKind>,
}

/// One thing that keeps a case from closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    RiskFlags(usize),
    VolunteerTasks(usize),
    PlanRevision(u32),
    GoalsNotMarked(Vec<GoalId>),
}

impl Blocker {
    fn reason(&self) -> &'static str {
        match self {
            Blocker::RiskFlags(_) => "RISK_FLAGS_UNACKNOWLEDGED",
            Blocker::VolunteerTasks(_) => "VOLUNTEER_TASKS_OPEN",
            Blocker::PlanRevision(_) => "PLAN_REVISION_PENDING",
            Blocker::GoalsNotMarked(_) => "GOALS_NOT_MARKED",
        }
    }
}

impl ClosureRequest {
    /// The request against what the case holds open: goal results must name goals
    /// of the plan in force, with a level exactly for attainment-scale goals (else
    /// INVALID_ARGUMENT); then every blocker that holds, the first named. Services
    /// left empty are taken from the plan's done interventions.
    pub fn check_against(mut self, work: &OpenWork) -> Result<Self, ClosureError> {
        let mut v = Violations::new();
        for (i, result) in self.goals.iter().enumerate() {
            let field = format!("closure.goal_results[{i}]");
            match work.goals.iter().find(|(id, _)| *id == result.goal) {
                None => v.add(
                    format!("{field}.goal_id"),
                    "is not a goal of the plan in force",
                ),
                Some((_, true)) => match result.level {
                    None => v.add(
                        format!("{field}.attainment_level"),
                        "is required: the goal is measured on an attainment scale (-2 to 2)",
                    ),
                    Some(level) if !crate::plan::ATTAINMENT_LEVELS.contains(&level) => {
                        v.add(format!("{field}.attainment_level"), "must be -2 to 2")
                    }
                    Some(_) => {}
                },
                Some((_, false)) if result.level.is_some() => v.add(
                    format!("{field}.attainment_level"),
                    "is only for goals measured on an attainment scale",
                ),
                Some(_) => {}
            }
        }
        if !v.is_empty() {
            return Err(ClosureError::Invalid(v));
        }
        let mut blockers = Vec::new();
        if work.unacknowledged_risk_flags > 0 {
            blockers.push(Blocker::RiskFlags(work.unacknowledged_risk_flags));
        }
        if work.open_volunteer_tasks > 0 {
            blockers.push(Blocker::VolunteerTasks(work.open_volunteer_tasks));
        }
        if let Some(version) = work.pending_plan_version {
            blockers.push(Blocker::PlanRevision(version));
        }
        let unmarked: Vec<GoalId> = work
            .goals
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !self.goals.iter().any(|g| g.goal == *id))
            .collect();
        if !unmarked.is_empty() {
            blockers.push(Blocker::GoalsNotMarked(unmarked));
        }
        if !blockers.is_empty() {
            return Err(ClosureError::Refused(ClosureRefusal::Blocked(blockers)));
        }
        if self.services.is_empty() {
            let mut counted: BTreeMap<InterventionKind, u32> = BTreeMap::new();
            for kind in &work.done_interventions {
                *counted.entry(*kind).or_default() += 1;
            }
            self.services = counted
                .into_iter()
                .map(|(kind, count)| ServiceDelivered { kind, count })
                .collect();
        }
        Ok(self)
    }

    /// The request a stored closure was made with, to check it again at approval.
    pub fn of(closure: &Closure) -> Self {
        Self {
            outcome: closure.outcome,
            summary: closure.summary.clone(),
            services: closure.services.clone(),
            goals: closure.goals.clone(),
            satisfaction: closure.satisfaction,
        }
    }
}

/// The supervisor deciding on a closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureApprover {
    pub person: ClosurePerson,
    /// The level of their social worker record.
    pub level: Option<CertificationLevel>,
    /// Whether that record is an active worker of the referral's station.
    pub of_station: bool,
}

impl ClosureApprover {
    /// May this person approve a closure `requested_by` asked for, of a case referred
    /// for `reasons`? A person of the station, not the requester, experienced enough
    /// for protection cases.
    pub(crate) fn check(
        &self,
        requested_by: &ClosurePerson,
        reasons: &[ReferralReason],
        approve: bool,
    ) -> Result<(), ClosureRefusal> {
        let Some(worker) = self.person.worker.filter(|_| self.of_station) else {
            return Err(ClosureRefusal::ApproverNotAPerson);
        };
        if !approve {
            return Ok(());
        }
        if self.person.subject == requested_by.subject || Some(worker) == requested_by.worker {
            return Err(ClosureRefusal::SelfApproval);
        }
        let experienced = matches!(
            self.level,
            Some(CertificationLevel::Intermediate | CertificationLevel::Senior)
        );
        if reasons.iter().any(|r| r.needs_experienced_approver()) && !experienced {
            return Err(ClosureRefusal::ApproverLevelTooLow);
        }
        Ok(())
    }
}

/// The closure's own rules refusing a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClosureRefusal {
    #[error("only the case's assigned social worker requests or withdraws its closure")]
    NotAssignedWorker,
    #[error("a closure request awaits a supervisor's decision")]
    Pending,
    #[error("no closure request awaits a decision")]
    NotPending,
    #[error("the case still has work open: {}", blockers_text(.0))]
    Blocked(Vec<Blocker>),
    #[error(
        "closures are approved by a person: link this supervisor credential to its social worker record"
    )]
    ApproverNotAPerson,
    #[error("a supervisor cannot approve a closure they requested")]
    SelfApproval,
    #[error(
        "a closure for child protection or abuse and neglect needs an INTERMEDIATE or SENIOR approver"
    )]
    ApproverLevelTooLow,
    #[error("the case ended more than the reopening period ago; refer the patient anew")]
    ReopenPeriodPassed { ended_at: DateTime<Utc> },
    #[error("a referral in status {} cannot be reopened: only a closed case (COMPLETED or FAILED) can", .0.as_str())]
    NotClosed(Status),
    #[error("the case was reopened already, as referral {0}: reopen that one instead")]
    AlreadyReopened(crate::ReferralId),
    #[error("the patient's details on this referral were erased: refer the patient anew")]
    PatientErased,
    #[error(
        "the plan in force changed since the closure was requested: return it, so the worker marks the goals again"
    )]
    PlanChanged,
}

fn blockers_text(blockers: &[Blocker]) -> String {
    let names: Vec<&str> = blockers.iter().map(Blocker::reason).collect();
    names.join(", ")
}

impl ServiceError for ClosureRefusal {
    fn code(&self) -> Code {
        match self {
            ClosureRefusal::NotAssignedWorker
            | ClosureRefusal::ApproverNotAPerson
            | ClosureRefusal::SelfApproval
            | ClosureRefusal::ApproverLevelTooLow => Code::PermissionDenied,
            ClosureRefusal::Pending
            | ClosureRefusal::NotPending
            | ClosureRefusal::Blocked(_)
            | ClosureRefusal::ReopenPeriodPassed { .. }
            | ClosureRefusal::NotClosed(_)
            | ClosureRefusal::PatientErased
            | ClosureRefusal::PlanChanged => Code::FailedPrecondition,
            ClosureRefusal::AlreadyReopened(_) => Code::AlreadyExists,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            ClosureRefusal::NotAssignedWorker => "NOT_ASSIGNED_WORKER",
            ClosureRefusal::Pending => "CLOSURE_PENDING",
            ClosureRefusal::NotPending => "CLOSURE_NOT_PENDING",
            ClosureRefusal::Blocked(blockers) => blockers[0].reason(),
            ClosureRefusal::ApproverNotAPerson => "APPROVER_NOT_A_PERSON",
            ClosureRefusal::SelfApproval => "SELF_APPROVAL",
            ClosureRefusal::ApproverLevelTooLow => "APPROVER_LEVEL_TOO_LOW",
            ClosureRefusal::ReopenPeriodPassed { .. } => "REOPEN_PERIOD_PASSED",
            ClosureRefusal::NotClosed(_) => "WRONG_STATUS",
            ClosureRefusal::AlreadyReopened(_) => "REFERRAL_ALREADY_REOPENED",
            ClosureRefusal::PatientErased => "PATIENT_DATA_ERASED",
            ClosureRefusal::PlanChanged => "PLAN_CHANGED_SINCE_REQUEST",
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            ClosureRefusal::Blocked(blockers) => {
                let mut meta = vec![("blockers", blockers_text(blockers))];
                match &blockers[0] {
                    Blocker::RiskFlags(n) | Blocker::VolunteerTasks(n) => {
                        meta.push(("count", n.to_string()))
                    }
                    Blocker::PlanRevision(version) => {
                        meta.push(("plan_version", version.to_string()))
                    }
                    Blocker::GoalsNotMarked(goals) => {
                        let ids: Vec<String> = goals.iter().map(ToString::to_string).collect();
                        meta.push(("goal_ids", ids.join(",")))
                    }
                }
                meta
            }
            ClosureRefusal::ReopenPeriodPassed { ended_at } => {
                vec![("end_time", ended_at.to_rfc3339())]
            }
            ClosureRefusal::NotClosed(status) => vec![
                ("status", status.as_str().to_owned()),
                ("command", "REOPEN".to_owned()),
            ],
            ClosureRefusal::AlreadyReopened(id) => vec![("referral_id", id.to_string())],
            _ => Vec::new(),
        }
    }
}

/// A refused closure step: bad input or a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClosureError {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Refused(#[from] ClosureRefusal),
}

/// A note a step carries: required to return, optional otherwise.
pub fn decision_note(note: &str, required: bool) -> Result<String, Violations> {
    let mut v = Violations::new();
    let note = if required {
        v.required_text("note", note, MAX_NOTE)
    } else {
        v.optional_text("note", note, MAX_NOTE)
    };
    v.into_result(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal() -> GoalId {
        GoalId::new()
    }

    fn draft() -> ClosureDraft {
        ClosureDraft {
            outcome: "GOALS_MET".into(),
            summary: " 协助申请医疗救助，已获批 ".into(),
            ..ClosureDraft::default()
        }
    }

    #[test]
    fn every_outcome_ends_completed_or_failed_as_the_table_says() {
        let failed: Vec<_> = ClosureOutcome::ALL
            .iter()
            .filter(|o| o.final_status() == Status::Failed)
            .map(|o| o.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "PATIENT_DECLINED_SERVICES",
                "PATIENT_DISCHARGED_OR_TRANSFERRED",
                "PATIENT_DIED",
                "LOST_CONTACT"
            ]
        );
        assert_eq!(ClosureOutcome::GoalsMet.command(), Command::Complete);
        assert_eq!(ClosureOutcome::LostContact.command(), Command::Fail);
    }

    #[test]
    fn a_draft_names_every_bad_field() {
        let bad = ClosureDraft {
            outcome: "FINE".into(),
            summary: " ".into(),
            services: vec![("COUNSELLING".into(), 0), ("COUNSELLING".into(), 2)],
            goals: vec![GoalResultDraft {
                goal_id: "x".into(),
                result: "GREAT".into(),
                level: None,
            }],
            satisfaction: 9,
        }
        .validate(5)
        .unwrap_err();
        for field in [
            "closure.outcome",
            "closure.summary",
            "closure.services_delivered[0].count",
            "closure.services_delivered[1].kind",
            "closure.goal_results[0].goal_id",
            "closure.goal_results[0].result",
            "closure.satisfaction",
        ] {
            assert!(bad.names(field), "{field} not named in {bad:?}");
        }
        let ok = draft().validate(5).unwrap();
        assert_eq!(ok.summary, "协助申请医疗救助，已获批");
        assert_eq!(ok.satisfaction, None);
    }

    #[test]
    fn open_work_blocks_with_the_first_reason_and_names_them_all() {
        let (g1, g2) = (goal(), goal());
        let work = OpenWork {
            unacknowledged_risk_flags: 1,
            open_volunteer_tasks: 2,
            pending_plan_version: None,
            goals: vec![(g1, false), (g2, true)],
            done_interventions: vec![],
        };
        let mut request = draft().validate(5).unwrap();
        request.goals = vec![GoalResult {
            goal: g1,
            result: GoalResultKind::Met,
            level: None,
        }];
        let ClosureError::Refused(refusal) = request.clone().check_against(&work).unwrap_err()
        else {
            panic!("expected a refusal");
        };
        assert_eq!(refusal.reason(), "RISK_FLAGS_UNACKNOWLEDGED");
        let meta = refusal.metadata();
        assert!(meta.contains(&(
            "blockers",
            "RISK_FLAGS_UNACKNOWLEDGED, VOLUNTEER_TASKS_OPEN, GOALS_NOT_MARKED".into()
        )));
        assert!(meta.contains(&("count", "1".into())));

        // Only the goal left: it is named.
        let only_goals = OpenWork {
            unacknowledged_risk_flags: 0,
            open_volunteer_tasks: 0,
            ..work.clone()
        };
        let ClosureError::Refused(refusal) =
            request.clone().check_against(&only_goals).unwrap_err()
        else {
            panic!("expected a refusal");
        };
        assert_eq!(refusal.reason(), "GOALS_NOT_MARKED");
        assert!(refusal.metadata().contains(&("goal_ids", g2.to_string())));

        // A level is required on the attainment-scale goal, refused on the other.
        request.goals.push(GoalResult {
            goal: g2,
            result: GoalResultKind::PartlyMet,
            level: None,
        });
        request.goals[0].level = Some(1);
        let ClosureError::Invalid(v) = request.clone().check_against(&only_goals).unwrap_err()
        else {
            panic!("expected invalid fields");
        };
        assert!(v.names("closure.goal_results[0].attainment_level"));
        assert!(v.names("closure.goal_results[1].attainment_level"));

        request.goals[0].level = None;
        request.goals[1].level = Some(1);
        let with_done = OpenWork {
            done_interventions: vec![
                InterventionKind::Counselling,
                InterventionKind::FundApplication,
                InterventionKind::Counselling,
            ],
            ..only_goals
        };
        let checked = request.check_against(&with_done).unwrap();
        assert_eq!(
            checked.services,
            [
                ServiceDelivered {
                    kind: InterventionKind::Counselling,
                    count: 2
                },
                ServiceDelivered {
                    kind: InterventionKind::FundApplication,
                    count: 1
                }
            ]
        );
    }

    #[test]
    fn the_approver_is_another_person_experienced_enough_for_protection() {
        let requester = ClosurePerson {
            subject: "key-w".into(),
            worker: Some(SocialWorkerId::new()),
            name: "王芳".into(),
        };
        let approver = ClosureApprover {
            person: ClosurePerson {
                subject: "key-s".into(),
                worker: Some(SocialWorkerId::new()),
                name: "李督导".into(),
            },
            level: Some(CertificationLevel::Assistant),
            of_station: true,
        };
        let routine = [ReferralReason::FinancialHardship];
        let protection = [ReferralReason::ChildProtection];
        assert_eq!(approver.check(&requester, &routine, true), Ok(()));
        assert_eq!(
            approver.check(&requester, &protection, true),
            Err(ClosureRefusal::ApproverLevelTooLow)
        );
        // Returning needs no experience, only a person.
        assert_eq!(approver.check(&requester, &protection, false), Ok(()));
        let same = ClosureApprover {
            person: requester.clone(),
            ..approver.clone()
        };
        assert_eq!(
            same.check(&requester, &routine, true),
            Err(ClosureRefusal::SelfApproval)
        );
        let unlinked = ClosureApprover {
            person: ClosurePerson {
                worker: None,
                ..approver.person.clone()
            },
            ..approver
        };
        assert_eq!(
            unlinked.check(&requester, &routine, false),
            Err(ClosureRefusal::ApproverNotAPerson)
        );
    }
}
