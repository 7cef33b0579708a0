//! The rules of every change to a plan: which state a version must be in, who may
//! decide on it, and how interventions and goals move once a version is in force.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::directory::CertificationLevel;
use crate::plan::{
    Decision, InterventionState, InterventionWork, Measure, PlanState, PlanVersion, ProgressEntry,
    ProgressOccasion, Work,
};
use crate::referral::ReferralReason;
use crate::{Caller, Code, GoalId, InterventionId, ServiceError, Violations};

const MAX_NOTE: usize = 2000;
const MAX_REASON: usize = 1000;

/// Why a plan's rules refuse a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanRefusal {
    #[error("the plan's version {version} is {} and cannot be {what}", .state.as_str())]
    WrongState {
        version: u32,
        state: PlanState,
        what: &'static str,
    },
    #[error(
        "plans are approved by a person: link this supervisor credential to its social worker record"
    )]
    ApproverNotAPerson,
    #[error("a supervisor cannot approve a plan version they wrote or changed")]
    SelfApproval,
    #[error(
        "a plan for child protection or abuse and neglect needs an INTERMEDIATE or SENIOR approver"
    )]
    ApproverLevelTooLow,
    #[error("no approved version of the plan holds this {what} yet: it cannot be worked on")]
    NotApproved { what: &'static str },
    #[error("the intervention is {} and cannot become {}", .from.as_str(), .to.as_str())]
    WrongInterventionState {
        from: InterventionState,
        to: InterventionState,
    },
}

impl ServiceError for PlanRefusal {
    fn code(&self) -> Code {
        match self {
            PlanRefusal::WrongState { .. }
            | PlanRefusal::NotApproved { .. }
            | PlanRefusal::WrongInterventionState { .. } => Code::FailedPrecondition,
            PlanRefusal::ApproverNotAPerson
            | PlanRefusal::SelfApproval
            | PlanRefusal::ApproverLevelTooLow => Code::PermissionDenied,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            PlanRefusal::WrongState { .. } => "WRONG_PLAN_STATE",
            PlanRefusal::ApproverNotAPerson => "APPROVER_NOT_A_PERSON",
            PlanRefusal::SelfApproval => "SELF_APPROVAL",
            PlanRefusal::ApproverLevelTooLow => "APPROVER_LEVEL_TOO_LOW",
            PlanRefusal::NotApproved { .. } => "PLAN_NOT_APPROVED",
            PlanRefusal::WrongInterventionState { .. } => "WRONG_INTERVENTION_STATE",
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            PlanRefusal::WrongState { state, .. } => vec![("state", state.as_str().to_owned())],
            PlanRefusal::WrongInterventionState { from, .. } => {
                vec![("state", from.as_str().to_owned())]
            }
            _ => Vec::new(),
        }
    }
}

impl PlanVersion {
    /// Refuses unless this version is in `state`.
    pub fn require(&self, state: PlanState, what: &'static str) -> Result<(), PlanRefusal> {
        if self.state == state {
            Ok(())
        } else {
            Err(PlanRefusal::WrongState {
                version: self.version,
                state: self.state,
                what,
            })
        }
    }
}

/// Who decides on a version pending approval.
#[derive(Debug, Clone, Copy)]
pub struct Approver<'a> {
    pub caller: &'a Caller,
    /// The level of the caller's social worker record, when it has one.
    pub level: Option<CertificationLevel>,
    /// Whether that record is an active social worker of the referral's station: a
    /// credential naming anyone else is no person of this station.
    pub of_station: bool,
}

/// A supervisor's decision on `version`: approval checks that a person other than the
/// author decides, experienced enough for a protection case; a return needs a note.
pub fn decide(
    version: &PlanVersion,
    approver: Approver<'_>,
    reasons: &[ReferralReason],
    approve: bool,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Decision, DecisionError> {
    let mut v = Violations::new();
    let note = if approve {
        v.optional_text("note", note, MAX_NOTE)
    } else {
        v.required_text("note", note, MAX_NOTE)
    };
    if !v.is_empty() {
        return Err(DecisionError::Invalid(v));
    }
    version.require(
        PlanState::PendingApproval,
        if approve { "approved" } else { "returned" },
    )?;
    let by_worker = approver
        .caller
        .worker
        .ok_or(PlanRefusal::ApproverNotAPerson)?;
    if !approver.of_station {
        return Err(PlanRefusal::ApproverNotAPerson.into());
    }
    if approve {
        if version.written_by(&approver.caller.subject, Some(by_worker)) {
            return Err(PlanRefusal::SelfApproval.into());
        }
        let experienced = matches!(
            approver.level,
            Some(CertificationLevel::Intermediate | CertificationLevel::Senior)
        );
        if reasons.iter().any(|r| r.needs_experienced_approver()) && !experienced {
            return Err(PlanRefusal::ApproverLevelTooLow.into());
        }
    }
    Ok(Decision {
        approved: approve,
        by: approver.caller.subject.clone(),
        by_worker,
        note,
        at: now,
    })
}

/// A refused decision: bad input or a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Refused(#[from] PlanRefusal),
}

/// A revision's reason, required.
pub fn revision_reason(text: &str) -> Result<String, Violations> {
    let mut v = Violations::new();
    let reason = v.required_text("reason", text, MAX_REASON);
    v.into_result(reason)
}

/// A move of an intervention of the version in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionMove {
    pub intervention: InterventionId,
    pub to: InterventionState,
    pub reason: String,
}

impl Work {
    /// Moves an intervention of `in_force` (the approved version; `None` before any
    /// approval): PLANNED -> IN_PROGRESS -> DONE, or PLANNED or IN_PROGRESS ->
    /// CANCELLED with a reason.
    pub fn move_intervention(
        &mut self,
        in_force: Option<&PlanVersion>,
        change: InterventionMove,
        by: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(), MoveError> {
        let mut v = Violations::new();
        let reason = match change.to {
            InterventionState::Cancelled => v.required_text("reason", &change.reason, MAX_REASON),
            _ => v.optional_text("reason", &change.reason, MAX_REASON),
        };
        if change.to == InterventionState::Planned {
            v.add("state", "must be IN_PROGRESS, DONE or CANCELLED");
        }
        if !v.is_empty() {
            return Err(MoveError::Invalid(v));
        }
        let approved = in_force
            .is_some_and(|version| version.content.intervention(change.intervention).is_some());
        if !approved {
            return Err(PlanRefusal::NotApproved {
                what: "intervention",
            }
            .into());
        }
        let from = self.state_of(change.intervention);
        use InterventionState::*;
        let allowed = matches!(
            (from, change.to),
            (Planned, InProgress | Done | Cancelled) | (InProgress, Done | Cancelled)
        );
        if !allowed {
            return Err(PlanRefusal::WrongInterventionState {
                from,
                to: change.to,
            }
            .into());
        }
        self.interventions.insert(
            change.intervention,
            InterventionWork {
                state: change.to,
                reason,
                changed_at: now,
                changed_by_worker: by.worker,
            },
        );
        Ok(())
    }

    /// Records progress on a goal of `in_force`: a note, and for attainment scaling the
    /// level reached (required at closure).
    pub fn record_progress(
        &mut self,
        in_force: Option<&PlanVersion>,
        progress: GoalProgressDraft,
        by: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(), MoveError> {
        let in_force = in_force.ok_or(PlanRefusal::NotApproved { what: "goal" })?;
        let goal = in_force
            .content
            .goal(progress.goal)
            .ok_or(MoveError::GoalNotFound)?;
        let mut v = Violations::new();
        let note = v.optional_text("note", &progress.note, MAX_NOTE);
        match (&goal.measure, progress.level) {
            (Measure::AttainmentScale { .. }, Some(level))
                if !crate::plan::ATTAINMENT_LEVELS.contains(&level) =>
            {
                v.add("attainment_level", "must be -2, -1, 0, +1 or +2");
            }
            (Measure::AttainmentScale { .. }, None)
                if progress.occasion == ProgressOccasion::Closure =>
            {
                v.add(
                    "attainment_level",
                    "is required at closure for a goal measured by attainment scaling",
                );
            }
            (Measure::InstrumentTarget { .. }, Some(_)) => v.add(
                "attainment_level",
                "is only for goals measured by attainment scaling; this goal reads its instrument's scores",
            ),
            _ => {}
        }
        if note.is_empty() && progress.level.is_none() {
            v.add("note", "is required when no attainment level is recorded");
        }
        if !v.is_empty() {
            return Err(MoveError::Invalid(v));
        }
        self.progress.push(ProgressEntry {
            id: Uuid::now_v7(),
            goal: goal.id,
            note,
            level: progress.level,
            occasion: progress.occasion,
            recorded_by_worker: by.worker,
            recorded_at: now,
        });
        Ok(())
    }
}

/// Progress as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalProgressDraft {
    pub goal: GoalId,
    pub note: String,
    pub level: Option<i32>,
    pub occasion: ProgressOccasion,
}

/// A refused move of an intervention or a goal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Refused(#[from] PlanRefusal),
    #[error("the goal is not one of the plan in force")]
    GoalNotFound,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::plan::{Goal, Intervention, InterventionKind, PlanContent};
    use crate::{PlanId, Role, SocialWorkerId, StationId};

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap()
    }

    fn caller(subject: &str, worker: Option<SocialWorkerId>) -> Caller {
        Caller {
            subject: subject.into(),
            role: Role::Supervisor,
            hospital: None,
            departments: Vec::new(),
            station: StationId::parse("s1"),
            worker,
            volunteer: None,
            read_only: false,
        }
    }

    fn version(author_worker: SocialWorkerId, state: PlanState) -> PlanVersion {
        let goal = Goal {
            id: GoalId::new(),
            problems: vec!["p".into()],
            description: "d".into(),
            measure: Measure::AttainmentScale {
                levels: vec!["l".into(); 5],
            },
            target_date: None,
            set_at: at(),
        };
        PlanVersion {
            plan: PlanId::new(),
            version: 1,
            state,
            content: PlanContent {
                interventions: vec![Intervention {
                    id: InterventionId::new(),
                    goals: vec![goal.id],
                    kind: InterventionKind::Counselling,
                    description: "d".into(),
                    responsible: author_worker,
                    due: None,
                }],
                goals: vec![goal],
                review_date: None,
            },
            revision_reason: String::new(),
            author: "author-key".into(),
            author_worker: Some(author_worker),
            contributors: Vec::new(),
            created_at: at(),
            submitted_at: Some(at()),
            decision: None,
        }
    }

    fn approver(c: &Caller, level: CertificationLevel) -> Approver<'_> {
        Approver {
            caller: c,
            level: Some(level),
            of_station: true,
        }
    }

    #[test]
    fn a_person_other_than_the_author_approves() {
        let author = SocialWorkerId::new();
        let v = version(author, PlanState::PendingApproval);
        let senior = CertificationLevel::Senior;
        let refused = |c: &Caller| decide(&v, approver(c, senior), &[], true, "", at());
        assert_eq!(
            refused(&caller("other-key", None)),
            Err(PlanRefusal::ApproverNotAPerson.into())
        );
        assert_eq!(
            refused(&caller("other-key", Some(author))),
            Err(PlanRefusal::SelfApproval.into()),
            "the author by another credential"
        );
        assert_eq!(
            refused(&caller("author-key", Some(SocialWorkerId::new()))),
            Err(PlanRefusal::SelfApproval.into()),
            "the author's credential"
        );
        let someone = caller("other-key", Some(SocialWorkerId::new()));
        let mut edited = v.clone();
        edited.changed_by("other-key", someone.worker);
        assert_eq!(
            decide(&edited, approver(&someone, senior), &[], true, "", at()),
            Err(PlanRefusal::SelfApproval.into()),
            "a supervisor who changed the draft"
        );
        let elsewhere = Approver {
            of_station: false,
            ..approver(&someone, senior)
        };
        assert_eq!(
            decide(&v, elsewhere, &[], true, "", at()),
            Err(PlanRefusal::ApproverNotAPerson.into()),
            "a worker record of another station, or none"
        );
        let decision = refused(&someone).unwrap();
        assert!(decision.approved);
    }

    #[test]
    fn protection_needs_an_experienced_approver_and_a_return_a_note() {
        let v = version(SocialWorkerId::new(), PlanState::PendingApproval);
        let c = caller("k", Some(SocialWorkerId::new()));
        let protection = [ReferralReason::AbuseOrNeglect];
        let assistant = approver(&c, CertificationLevel::Assistant);
        assert_eq!(
            decide(&v, assistant, &protection, true, "", at()),
            Err(PlanRefusal::ApproverLevelTooLow.into())
        );
        assert!(
            decide(
                &v,
                assistant,
                &[ReferralReason::FinancialHardship],
                true,
                "",
                at()
            )
            .is_ok()
        );
        let intermediate = approver(&c, CertificationLevel::Intermediate);
        assert!(decide(&v, intermediate, &protection, true, "", at()).is_ok());
        assert!(matches!(
            decide(&v, intermediate, &protection, false, "  ", at()),
            Err(DecisionError::Invalid(v)) if v.names("note")
        ));
        let draft = version(SocialWorkerId::new(), PlanState::Draft);
        assert!(matches!(
            decide(&draft, intermediate, &[], true, "", at()),
            Err(DecisionError::Refused(PlanRefusal::WrongState { .. }))
        ));
    }

    #[test]
    fn interventions_move_forward_only_once_approved() {
        let worker = SocialWorkerId::new();
        let c = caller("k", Some(worker));
        let approved = version(worker, PlanState::Approved);
        let id = approved.content.interventions[0].id;
        let to = |state, reason: &str| InterventionMove {
            intervention: id,
            to: state,
            reason: reason.into(),
        };
        let mut work = Work::default();
        assert_eq!(
            work.move_intervention(None, to(InterventionState::InProgress, ""), &c, at()),
            Err(PlanRefusal::NotApproved {
                what: "intervention"
            }
            .into())
        );
        work.move_intervention(Some(&approved), to(InterventionState::Done, ""), &c, at())
            .unwrap();
        assert_eq!(work.state_of(id), InterventionState::Done);
        assert!(matches!(
            work.move_intervention(
                Some(&approved),
                to(InterventionState::InProgress, ""),
                &c,
                at()
            ),
            Err(MoveError::Refused(
                PlanRefusal::WrongInterventionState { .. }
            ))
        ));
        let mut fresh = Work::default();
        assert!(matches!(
            fresh.move_intervention(Some(&approved), to(InterventionState::Cancelled, ""), &c, at()),
            Err(MoveError::Invalid(v)) if v.names("reason")
        ));
    }

    #[test]
    fn attainment_is_recorded_on_scaled_goals_only() {
        let worker = SocialWorkerId::new();
        let c = caller("k", Some(worker));
        let approved = version(worker, PlanState::Approved);
        let goal = approved.content.goals[0].id;
        let progress = |level, occasion| GoalProgressDraft {
            goal,
            note: String::new(),
            level,
            occasion,
        };
        let mut work = Work::default();
        assert!(matches!(
            work.record_progress(Some(&approved), progress(Some(3), ProgressOccasion::Review), &c, at()),
            Err(MoveError::Invalid(v)) if v.names("attainment_level")
        ));
        assert!(matches!(
            work.record_progress(Some(&approved), progress(None, ProgressOccasion::Closure), &c, at()),
            Err(MoveError::Invalid(v)) if v.names("attainment_level")
        ));
        work.record_progress(
            Some(&approved),
            progress(Some(1), ProgressOccasion::Closure),
            &c,
            at(),
        )
        .unwrap();
        assert_eq!(work.latest_level(goal), Some(1));
    }
}
