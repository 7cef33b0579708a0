//! The plan service's own refusals; with what any use-case can run into, they make its
//! `Error`.

use yishe_domain::plan::{DecisionError, MoveError, PlanRefusal, TaskRefusal};
use yishe_domain::{Code, PlanId, ServiceError};
use yishe_runtime::Failure;

pub type Error = Failure<Refusal>;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not found, or not visible to the caller: answered alike, so nobody can probe.
    #[error("{} not found", .0.name())]
    NotFound(Record),
    /// The caller sees the referral but is neither its social worker nor a supervisor.
    #[error(
        "only the referral's assigned social worker and the station's supervisors may work on its plan"
    )]
    NotAssigned,
    /// The referral's status takes no plan.
    #[error("a referral in status {} is not an open case: its plan does not change", .0.as_str())]
    WrongStatus(yishe_domain::referral::Status),
    #[error("a plan is made from an assessment: record one first")]
    AssessmentRequired,
    #[error("the referral already has a plan ({0}): revise it instead")]
    PlanExists(PlanId),
    #[error("this request_id was already used for a different plan")]
    RequestIdReused,
    /// A rule of the plan refuses the change.
    #[error(transparent)]
    Rule(#[from] PlanRefusal),
    /// A rule of volunteer tasks refuses the step.
    #[error(transparent)]
    Task(#[from] TaskRefusal),
}

/// The records this service answers NOT_FOUND for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Referral,
    Plan,
    PlanVersion,
    Goal,
    Intervention,
    Task,
    Team,
}

impl Record {
    fn name(self) -> &'static str {
        match self {
            Record::Referral => "referral",
            Record::Plan => "plan",
            Record::PlanVersion => "plan version",
            Record::Goal => "goal",
            Record::Intervention => "intervention",
            Record::Task => "volunteer task",
            Record::Team => "volunteer team (active, of the referral's station)",
        }
    }
}

impl ServiceError for Refusal {
    fn code(&self) -> Code {
        match self {
            Refusal::NotFound(_) => Code::NotFound,
            Refusal::NotAssigned => Code::PermissionDenied,
            Refusal::WrongStatus(_) | Refusal::AssessmentRequired => Code::FailedPrecondition,
            Refusal::PlanExists(_) | Refusal::RequestIdReused => Code::AlreadyExists,
            Refusal::Rule(rule) => rule.code(),
            Refusal::Task(rule) => rule.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Refusal::NotFound(Record::Referral) => "REFERRAL_NOT_FOUND",
            Refusal::NotFound(Record::Plan) => "PLAN_NOT_FOUND",
            Refusal::NotFound(Record::PlanVersion) => "PLAN_VERSION_NOT_FOUND",
            Refusal::NotFound(Record::Goal) => "GOAL_NOT_FOUND",
            Refusal::NotFound(Record::Intervention) => "INTERVENTION_NOT_FOUND",
            Refusal::NotFound(Record::Task) => "VOLUNTEER_TASK_NOT_FOUND",
            Refusal::NotFound(Record::Team) => "VOLUNTEER_TEAM_NOT_FOUND",
            Refusal::NotAssigned => "NOT_ASSIGNED",
            Refusal::WrongStatus(_) => "WRONG_STATUS",
            Refusal::AssessmentRequired => "ASSESSMENT_REQUIRED",
            Refusal::PlanExists(_) => "PLAN_EXISTS",
            Refusal::RequestIdReused => "REQUEST_ID_REUSED",
            Refusal::Rule(rule) => rule.reason(),
            Refusal::Task(rule) => rule.reason(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            Refusal::WrongStatus(status) => vec![("status", status.as_str().to_owned())],
            Refusal::PlanExists(plan) => vec![("plan_id", plan.to_string())],
            Refusal::Rule(rule) => rule.metadata(),
            Refusal::Task(rule) => rule.metadata(),
            _ => Vec::new(),
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

/// A refused decision: its invalid fields or the rule.
pub(crate) fn decision(error: DecisionError) -> Error {
    match error {
        DecisionError::Invalid(v) => Failure::Invalid(v),
        DecisionError::Refused(rule) => Refusal::Rule(rule).into(),
    }
}

/// A refused move of an intervention or a goal.
pub(crate) fn moved(error: MoveError) -> Error {
    match error {
        MoveError::Invalid(v) => Failure::Invalid(v),
        MoveError::Refused(rule) => Refusal::Rule(rule).into(),
        MoveError::GoalNotFound => Refusal::NotFound(Record::Goal).into(),
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
