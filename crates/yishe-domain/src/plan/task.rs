//! Volunteer tasks ("社工+志愿"): part of an intervention that a volunteer team carries
//! out under a social worker, given to a team or posted to the station's board where
//! teams claim it (派单—接单). A task carries what a volunteer needs — what, where,
//! when — and never the case's clinical or psychosocial content.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::directory::Volunteer;
use crate::named::named_enum;
use crate::{
    Caller, Code, Etag, InterventionId, PlanId, ReferralId, Role, ServiceError, SocialWorkerId,
    StationId, Violations, VolunteerId, VolunteerTaskId, VolunteerTeamId,
};

const MAX_INSTRUCTIONS: usize = 1000;
const MAX_PLACE: usize = 50;
const MAX_REPORT: usize = 2000;
const MAX_REASON: usize = 1000;

named_enum!(
    /// Where a volunteer task stands.
    TaskState {
        Posted => "POSTED",
        Claimed => "CLAIMED",
        Done => "DONE",
        Reviewed => "REVIEWED",
        Cancelled => "CANCELLED",
    }
);

/// The texts of a task, sealed together at rest: where the patient lies is personal
/// data, and a report may say more than it should.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskTexts {
    pub instructions: String,
    pub ward: String,
    pub bed: String,
    pub report: String,
    pub review: String,
    pub cancel_reason: String,
}

/// A volunteer task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerTask {
    pub id: VolunteerTaskId,
    pub station: StationId,
    pub plan: PlanId,
    pub intervention: InterventionId,
    pub referral: ReferralId,
    pub request_id: String,
    pub state: TaskState,
    /// The team that holds it (given to it, or claimed from the board).
    pub team: Option<VolunteerTeamId>,
    pub starts_at: DateTime<Utc>,
    /// A task on the board unclaimed by then is overdue.
    pub claim_deadline: DateTime<Utc>,
    pub overdue: bool,
    pub texts: TaskTexts,
    /// The social worker who posted it and supervises it.
    pub supervisor: Option<SocialWorkerId>,
    pub posted_by: String,
    pub claimed_by: Option<VolunteerId>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub reported_by: Option<VolunteerId>,
    pub reported_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl VolunteerTask {
    pub fn etag(&self) -> Etag {
        Etag::of(self.version)
    }
}

/// A task as a social worker sends it; the plan and intervention are checked by the
/// service against the version in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TaskDraft {
    pub instructions: String,
    pub ward: String,
    pub bed: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub claim_deadline: Option<DateTime<Utc>>,
    pub team: Option<VolunteerTeamId>,
}

/// What a task is posted for, as the service found it.
#[derive(Debug, Clone)]
pub struct TaskFor {
    pub station: StationId,
    pub plan: PlanId,
    pub intervention: InterventionId,
    pub referral: ReferralId,
    /// The referral's ward and bed, for a task that names none.
    pub ward: String,
    pub bed: String,
}

impl TaskDraft {
    /// A task for `target` posted by `by` at `now`, or every offending field.
    pub fn validate(
        self,
        target: TaskFor,
        request_id: String,
        by: &Caller,
        now: DateTime<Utc>,
    ) -> Result<VolunteerTask, Violations> {
        let mut v = Violations::new();
        let instructions =
            v.required_text("task.instructions", &self.instructions, MAX_INSTRUCTIONS);
        let ward = v.optional_text("task.ward", &self.ward, MAX_PLACE);
        let bed = v.optional_text("task.bed", &self.bed, MAX_PLACE);
        let starts_at = match self.starts_at {
            None => {
                v.add(
                    "task.start_time",
                    "is required: when the task is to be done",
                );
                now
            }
            Some(at) if at <= now => {
                v.add("task.start_time", "must be in the future");
                at
            }
            Some(at) => at,
        };
        let claim_deadline = self.claim_deadline.unwrap_or(starts_at);
        if self.claim_deadline.is_some() && (claim_deadline <= now || claim_deadline > starts_at) {
            v.add(
                "task.claim_deadline",
                "must be in the future and no later than the start time",
            );
        }
        v.into_result(VolunteerTask {
            id: VolunteerTaskId::new(),
            station: target.station,
            plan: target.plan,
            intervention: target.intervention,
            referral: target.referral,
            request_id,
            state: if self.team.is_some() {
                TaskState::Claimed
            } else {
                TaskState::Posted
            },
            team: self.team,
            starts_at,
            claim_deadline,
            overdue: false,
            texts: TaskTexts {
                instructions,
                ward: if ward.is_empty() { target.ward } else { ward },
                bed: if bed.is_empty() { target.bed } else { bed },
                ..TaskTexts::default()
            },
            supervisor: by.worker,
            posted_by: by.subject.clone(),
            claimed_by: None,
            claimed_at: self.team.map(|_| now),
            reported_by: None,
            reported_at: None,
            reviewed_by: None,
            reviewed_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }
}

/// Why a task's rules refuse a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskRefusal {
    #[error("another team claimed the task first")]
    AlreadyClaimed,
    #[error("the task is {} and cannot be {what}", .state.as_str())]
    WrongState {
        state: TaskState,
        what: &'static str,
    },
    #[error("this volunteer or their team does not take tasks now")]
    VolunteerInactive,
    /// The case closed, or the intervention is done, cancelled or no longer in the
    /// plan in force: the task is not for volunteers any more.
    #[error("the task's case is closed or its intervention is no longer planned")]
    Withdrawn,
}

impl ServiceError for TaskRefusal {
    fn code(&self) -> Code {
        match self {
            TaskRefusal::AlreadyClaimed
            | TaskRefusal::WrongState { .. }
            | TaskRefusal::Withdrawn => Code::FailedPrecondition,
            TaskRefusal::VolunteerInactive => Code::PermissionDenied,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            TaskRefusal::AlreadyClaimed => "TASK_ALREADY_CLAIMED",
            TaskRefusal::WrongState { .. } => "WRONG_TASK_STATE",
            TaskRefusal::VolunteerInactive => "VOLUNTEER_INACTIVE",
            TaskRefusal::Withdrawn => "TASK_WITHDRAWN",
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            TaskRefusal::WrongState { state, .. } => vec![("state", state.as_str().to_owned())],
            _ => Vec::new(),
        }
    }
}

/// A step's text, checked: required, at most `max` characters.
fn text(field: &str, value: &str, max: usize) -> Result<String, TaskStepError> {
    let mut v = Violations::new();
    let text = v.required_text(field, value, max);
    v.into_result(text).map_err(TaskStepError::Invalid)
}

/// A refused step: bad input or a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskStepError {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Refused(#[from] TaskRefusal),
}

impl VolunteerTask {
    fn require(&self, state: TaskState, what: &'static str) -> Result<(), TaskRefusal> {
        if self.state == state {
            Ok(())
        } else {
            Err(TaskRefusal::WrongState {
                state: self.state,
                what,
            })
        }
    }

    /// The volunteer's team claims the task from the board (接单).
    pub fn claim(&mut self, volunteer: &Volunteer, now: DateTime<Utc>) -> Result<(), TaskRefusal> {
        if !volunteer.active {
            return Err(TaskRefusal::VolunteerInactive);
        }
        match self.state {
            TaskState::Posted => {}
            TaskState::Claimed | TaskState::Done | TaskState::Reviewed => {
                return Err(TaskRefusal::AlreadyClaimed);
            }
            TaskState::Cancelled => {
                return Err(TaskRefusal::WrongState {
                    state: self.state,
                    what: "claimed",
                });
            }
        }
        self.state = TaskState::Claimed;
        self.team = Some(volunteer.team);
        self.claimed_by = Some(volunteer.id);
        self.claimed_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// A volunteer of the team holding the task reports it done.
    pub fn report(
        &mut self,
        volunteer: &Volunteer,
        report: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TaskStepError> {
        let report = text("report", report, MAX_REPORT)?;
        self.require(TaskState::Claimed, "reported")?;
        self.texts.report = report;
        self.state = TaskState::Done;
        self.reported_by = Some(volunteer.id);
        self.reported_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// The supervising social worker (or a supervisor) reviews the report.
    pub fn review(
        &mut self,
        by: &Caller,
        review: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TaskStepError> {
        let review = text("review", review, MAX_REPORT)?;
        self.require(TaskState::Done, "reviewed")?;
        self.texts.review = review;
        self.state = TaskState::Reviewed;
        self.reviewed_by = Some(by.subject.clone());
        self.reviewed_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// The station cancels a task not yet done.
    pub fn cancel(&mut self, reason: &str, now: DateTime<Utc>) -> Result<(), TaskStepError> {
        let reason = text("reason", reason, MAX_REASON)?;
        if !matches!(self.state, TaskState::Posted | TaskState::Claimed) {
            return Err(TaskRefusal::WrongState {
                state: self.state,
                what: "cancelled",
            }
            .into());
        }
        self.texts.cancel_reason = reason;
        self.state = TaskState::Cancelled;
        self.updated_at = now;
        Ok(())
    }

    /// Marks a task still on the board past its claim deadline overdue, once;
    /// returns whether it did.
    pub fn mark_overdue(&mut self, now: DateTime<Utc>) -> bool {
        if self.state != TaskState::Posted || self.overdue || self.claim_deadline > now {
            return false;
        }
        self.overdue = true;
        self.updated_at = now;
        true
    }
}

/// How much of a task a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskSight {
    /// Station staff of the case, or the team holding the task while it is to be
    /// done: all of it, the patient's name too.
    Full,
    /// The team that held a task once it is done, reviewed or cancelled: what they
    /// reported and the review, no longer the patient's name.
    Closed,
    /// A volunteer of the station while the task is on the board: no patient name,
    /// no report or review.
    Board,
    /// Not at all (answered as not found).
    None,
}

/// What `volunteer` (the caller's record) may see of `task`.
pub fn volunteer_sight(volunteer: &Volunteer, task: &VolunteerTask) -> TaskSight {
    if task.station != volunteer.station {
        TaskSight::None
    } else if task.team == Some(volunteer.team) {
        if task.state == TaskState::Claimed {
            TaskSight::Full
        } else {
            TaskSight::Closed
        }
    } else if task.state == TaskState::Posted {
        TaskSight::Board
    } else {
        TaskSight::None
    }
}

/// Whether a caller of `role` is a volunteer (whose sight is decided by their record).
pub fn is_volunteer(caller: &Caller) -> bool {
    caller.role == Role::Volunteer
}

/// A task as a caller reads it: how much they may see, and the names it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    pub task: VolunteerTask,
    pub sight: TaskSight,
    /// Empty unless the caller may see it (station staff, the team holding the task).
    pub patient_name: String,
    pub team_name: String,
    pub supervisor_name: String,
}

/// Post a task for an intervention of a plan, idempotently by `request_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostTask {
    pub plan: PlanId,
    pub intervention: InterventionId,
    pub request_id: String,
    pub draft: TaskDraft,
}

/// The tasks a caller lists: the board, or their own (of one plan, when set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListTasks {
    pub board: bool,
    pub plan: Option<PlanId>,
    pub page: crate::PageRequest<VolunteerTaskId>,
}

/// What a caller does to a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStep {
    Claim,
    Report { etag: Etag, report: String },
    Review { etag: Etag, review: String },
    Cancel { etag: Etag, reason: String },
}

/// The default and the largest page of ListVolunteerTasks.
pub const TASK_PAGE: crate::PageLimits = crate::PageLimits {
    default: 50,
    max: 500,
};

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap()
    }

    fn volunteer(team: VolunteerTeamId) -> Volunteer {
        Volunteer {
            id: VolunteerId::new(),
            station: StationId::parse("s1").unwrap(),
            team,
            display_name: "李娜".into(),
            contact: String::new(),
            skills: Vec::new(),
            active: true,
            training: Vec::new(),
            created_at: now(),
            updated_at: now(),
            version: 1,
        }
    }

    fn posted() -> VolunteerTask {
        let caller = Caller {
            subject: "k".into(),
            role: Role::SocialWorker,
            hospital: None,
            departments: Vec::new(),
            station: StationId::parse("s1"),
            worker: Some(SocialWorkerId::new()),
            volunteer: None,
            read_only: false,
        };
        TaskDraft {
            instructions: "陪同做CT检查".into(),
            starts_at: Some(now() + Duration::hours(4)),
            claim_deadline: Some(now() + Duration::hours(2)),
            ..Default::default()
        }
        .validate(
            TaskFor {
                station: StationId::parse("s1").unwrap(),
                plan: PlanId::new(),
                intervention: InterventionId::new(),
                referral: ReferralId::new(),
                ward: "肿瘤科5A".into(),
                bed: "12".into(),
            },
            "t1".into(),
            &caller,
            now(),
        )
        .unwrap()
    }

    #[test]
    fn one_team_claims_and_the_board_hides_the_rest() {
        let (a, b) = (VolunteerTeamId::new(), VolunteerTeamId::new());
        let mut task = posted();
        assert_eq!(
            task.texts.ward, "肿瘤科5A",
            "the referral's ward by default"
        );
        assert_eq!(volunteer_sight(&volunteer(b), &task), TaskSight::Board);
        task.claim(&volunteer(a), now()).unwrap();
        assert_eq!(
            task.claim(&volunteer(b), now()),
            Err(TaskRefusal::AlreadyClaimed)
        );
        assert_eq!(volunteer_sight(&volunteer(a), &task), TaskSight::Full);
        let mut done = task.clone();
        done.state = TaskState::Done;
        assert_eq!(
            volunteer_sight(&volunteer(a), &done),
            TaskSight::Closed,
            "no patient name once the work is done"
        );
        assert_eq!(volunteer_sight(&volunteer(b), &task), TaskSight::None);
        let mut idle = volunteer(b);
        idle.active = false;
        assert_eq!(
            posted().claim(&idle, now()),
            Err(TaskRefusal::VolunteerInactive)
        );
    }

    #[test]
    fn a_task_is_reported_then_reviewed_and_overdue_once() {
        let team = VolunteerTeamId::new();
        let mut task = posted();
        assert!(!task.mark_overdue(now()));
        assert!(task.mark_overdue(now() + Duration::hours(3)));
        assert!(!task.mark_overdue(now() + Duration::hours(3)), "once");
        let v = volunteer(team);
        assert!(matches!(
            task.report(&v, "done", now()),
            Err(TaskStepError::Refused(TaskRefusal::WrongState { .. }))
        ));
        task.claim(&v, now()).unwrap();
        assert!(matches!(
            task.report(&v, " ", now()),
            Err(TaskStepError::Invalid(_))
        ));
        task.report(&v, "已陪同完成检查", now()).unwrap();
        assert_eq!(task.state, TaskState::Done);
        let caller = Caller {
            subject: "sw".into(),
            role: Role::SocialWorker,
            hospital: None,
            departments: Vec::new(),
            station: StationId::parse("s1"),
            worker: None,
            volunteer: None,
            read_only: false,
        };
        task.review(&caller, "按时完成", now()).unwrap();
        assert_eq!(task.state, TaskState::Reviewed);
        assert!(task.cancel("late", now()).is_err());
    }
}
