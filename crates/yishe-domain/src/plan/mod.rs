//! Service plans (计划): goals that address the problems an assessment found, each with
//! a measure; interventions that serve them; versions approved by a supervisor before
//! the work starts, the work done on the version in force, and the volunteer tasks that
//! carry part of it.

mod draft;
mod measure;
mod model;
mod requests;
mod rules;
mod task;
mod view;

pub use draft::{DateDraft, DraftContext, GoalDraft, InterventionDraft, MeasureDraft, PlanDraft};
pub use measure::{Reading, readings};
pub use model::{
    ATTAINMENT_LEVELS, Comparator, Contributor, Decision, Goal, Intervention, InterventionKind,
    InterventionState, InterventionWork, Measure, Plan, PlanContent, PlanState, PlanVersion,
    ProgressEntry, ProgressOccasion, Work,
};
pub use requests::{
    CreatePlan, GetPlan, ListPlans, PLAN_PAGE, PlanMask, PlanStep, PlanWork, StepPlan, UpdatePlan,
    WorkOnPlan,
};
pub use rules::{
    Approver, DecisionError, GoalProgressDraft, InterventionMove, MoveError, PlanRefusal, decide,
    revision_reason,
};
pub use task::{
    ListTasks, PostTask, TASK_PAGE, TaskDraft, TaskFor, TaskRefusal, TaskSight, TaskState,
    TaskStep, TaskStepError, TaskTexts, TaskView, VolunteerTask, is_volunteer, volunteer_sight,
};
pub use view::PlanView;
