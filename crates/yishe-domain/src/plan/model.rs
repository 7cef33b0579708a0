//! A service plan as stored: the plan record (its versions' pointers and the work done
//! on it) and each version (goals, interventions, the supervisor's decision).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assessment::Instrument;
use crate::named::named_enum;
use crate::{Etag, GoalId, InterventionId, PlanId, ReferralId, SocialWorkerId, StationId};

named_enum!(
    /// Where a version of a plan stands.
    PlanState {
        Draft => "DRAFT",
        PendingApproval => "PENDING_APPROVAL",
        Approved => "APPROVED",
        Returned => "RETURNED",
        Superseded => "SUPERSEDED",
    }
);

named_enum!(
    /// What kind of work an intervention is.
    InterventionKind {
        Counselling => "COUNSELLING",
        FamilyMeeting => "FAMILY_MEETING",
        ResourceLinkage => "RESOURCE_LINKAGE",
        FundApplication => "FUND_APPLICATION",
        DischargePlanning => "DISCHARGE_PLANNING",
        EndOfLifeSupport => "END_OF_LIFE_SUPPORT",
        HealthEducation => "HEALTH_EDUCATION",
        AdvocacyMediation => "ADVOCACY_MEDIATION",
        Protection => "PROTECTION",
        GroupWork => "GROUP_WORK",
        VolunteerCompanionship => "VOLUNTEER_COMPANIONSHIP",
        ExternalReferral => "EXTERNAL_REFERRAL",
        Other => "OTHER",
    }
);

named_enum!(
    /// Where an intervention stands.
    InterventionState {
        Planned => "PLANNED",
        InProgress => "IN_PROGRESS",
        Done => "DONE",
        Cancelled => "CANCELLED",
    }
);

named_enum!(
    /// How an instrument's total compares with a goal's target.
    Comparator {
        Below => "BELOW",
        AtMost => "AT_MOST",
        AtLeast => "AT_LEAST",
        Above => "ABOVE",
    }
);

named_enum!(
    /// When progress on a goal was recorded.
    ProgressOccasion {
        Review => "REVIEW",
        Closure => "CLOSURE",
    }
);

impl Comparator {
    /// Whether `total` meets `target` this way.
    pub fn holds(self, total: i32, target: i32) -> bool {
        match self {
            Comparator::Below => total < target,
            Comparator::AtMost => total <= target,
            Comparator::AtLeast => total >= target,
            Comparator::Above => total > target,
        }
    }

    /// The sign a person reads (`< 10`).
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Below => "<",
            Comparator::AtMost => "≤",
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
        }
    }
}

/// The lowest and highest levels of Goal Attainment Scaling.
pub const ATTAINMENT_LEVELS: std::ops::RangeInclusive<i32> = -2..=2;

/// How a goal's attainment is measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// A target total on an instrument, read from later assessments.
    InstrumentTarget {
        instrument: Instrument,
        comparator: Comparator,
        target: i32,
    },
    /// Goal Attainment Scaling: the description of each level, from -2 to +2.
    AttainmentScale { levels: Vec<String> },
}

/// A goal of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: GoalId,
    /// The assessment problems it addresses, by their ids.
    pub problems: Vec<String>,
    pub description: String,
    pub measure: Measure,
    pub target_date: Option<NaiveDate>,
    /// When the goal was first set: an instrument target reads assessments from then.
    pub set_at: DateTime<Utc>,
}

/// Work towards a plan's goals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervention {
    pub id: InterventionId,
    pub goals: Vec<GoalId>,
    pub kind: InterventionKind,
    pub description: String,
    pub responsible: SocialWorkerId,
    pub due: Option<NaiveDate>,
}

/// What one version of a plan says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub goals: Vec<Goal>,
    pub interventions: Vec<Intervention>,
    pub review_date: Option<NaiveDate>,
}

impl PlanContent {
    pub fn goal(&self, id: GoalId) -> Option<&Goal> {
        self.goals.iter().find(|g| g.id == id)
    }

    pub fn intervention(&self, id: InterventionId) -> Option<&Intervention> {
        self.interventions.iter().find(|i| i.id == id)
    }
}

/// A supervisor's decision on a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub approved: bool,
    /// The credential that decided.
    pub by: String,
    pub by_worker: SocialWorkerId,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// Someone who changed a draft: the credential and its social worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contributor {
    pub subject: String,
    pub worker: Option<SocialWorkerId>,
}

/// One version of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub plan: PlanId,
    pub version: u32,
    pub state: PlanState,
    pub content: PlanContent,
    /// Why this version revises the previous one; empty for version 1.
    pub revision_reason: String,
    /// The credential that wrote it, and its social worker.
    pub author: String,
    pub author_worker: Option<SocialWorkerId>,
    /// Whoever else changed this version while it was a draft: none of them may
    /// approve it either.
    pub contributors: Vec<Contributor>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decision: Option<Decision>,
}

/// Where an intervention stands, once it was moved from PLANNED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterventionWork {
    pub state: InterventionState,
    pub reason: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by_worker: Option<SocialWorkerId>,
}

/// Progress recorded on a goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressEntry {
    pub id: Uuid,
    pub goal: GoalId,
    pub note: String,
    pub level: Option<i32>,
    pub occasion: ProgressOccasion,
    pub recorded_by_worker: Option<SocialWorkerId>,
    pub recorded_at: DateTime<Utc>,
}

/// The work done on a plan: it belongs to the plan, not to a version, so a revision
/// shows what was done under the version before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Work {
    pub interventions: BTreeMap<InterventionId, InterventionWork>,
    pub progress: Vec<ProgressEntry>,
}

impl Work {
    /// An intervention's state: PLANNED until it was moved.
    pub fn state_of(&self, id: InterventionId) -> InterventionState {
        self.interventions
            .get(&id)
            .map_or(InterventionState::Planned, |w| w.state)
    }

    /// The latest attainment level recorded on a goal.
    pub fn latest_level(&self, goal: GoalId) -> Option<i32> {
        self.progress
            .iter()
            .rev()
            .filter(|p| p.goal == goal)
            .find_map(|p| p.level)
    }
}

/// A referral's plan: which of its versions is the newest and which is in force, and
/// the work done on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: PlanId,
    pub referral: ReferralId,
    pub station: StationId,
    pub request_id: String,
    pub newest_version: u32,
    /// The newest version's state, kept on the plan for the approval queue.
    pub newest_state: PlanState,
    pub in_force_version: Option<u32>,
    pub work: Work,
    /// Moves with every change to any version: the plan's etag.
    pub revision: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PlanVersion {
    /// Whether `subject` or `worker` wrote or changed this version.
    pub fn written_by(&self, subject: &str, worker: Option<SocialWorkerId>) -> bool {
        let same =
            |s: &str, w: Option<SocialWorkerId>| s == subject || (w.is_some() && w == worker);
        same(&self.author, self.author_worker)
            || self.contributors.iter().any(|c| same(&c.subject, c.worker))
    }

    /// Records that `subject` (`worker`) changed this draft, once.
    pub fn changed_by(&mut self, subject: &str, worker: Option<SocialWorkerId>) {
        if !self.written_by(subject, worker) {
            self.contributors.push(Contributor {
                subject: subject.to_owned(),
                worker,
            });
        }
    }
}

impl Plan {
    pub fn etag(&self) -> Etag {
        Etag::of(self.revision)
    }
}
