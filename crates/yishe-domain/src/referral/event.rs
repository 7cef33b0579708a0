//! What goes into the referral feed. Events carry statuses and ids, never patient data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{DepartmentId, HospitalId, ReferralId, SocialWorkerId, StationId};
use crate::named::named_enum;
use crate::priority::Priority;
use crate::referral::{Referral, RejectionReason, Status};

named_enum!(
    /// What happened to a referral.
    EventType {
        Created => "CREATED",
        Accepted => "ACCEPTED",
        Rejected => "REJECTED",
        Assigned => "ASSIGNED",
        Held => "HELD",
        Resumed => "RESUMED",
        Cancelled => "CANCELLED",
        EnteredInError => "ENTERED_IN_ERROR",
        SlaBreached => "SLA_BREACHED",
        BreakGlass => "BREAK_GLASS",
        Started => "STARTED",
        RiskFlagRaised => "RISK_FLAG_RAISED",
        RiskFlagAcknowledged => "RISK_FLAG_ACKNOWLEDGED",
        Updated => "UPDATED",
        DepartureReported => "DEPARTURE_REPORTED",
        ConsentWithdrawn => "CONSENT_WITHDRAWN",
        PlanApproved => "PLAN_APPROVED",
        PlanRevised => "PLAN_REVISED",
        PlanSubmitted => "PLAN_SUBMITTED",
        PlanReturned => "PLAN_RETURNED",
        VolunteerTaskPosted => "VOLUNTEER_TASK_POSTED",
        VolunteerTaskClaimed => "VOLUNTEER_TASK_CLAIMED",
        VolunteerTaskOverdue => "VOLUNTEER_TASK_OVERDUE",
        FirstContact => "FIRST_CONTACT",
        ProgressNoteShared => "PROGRESS_NOTE_SHARED",
        FollowUpOverdue => "FOLLOW_UP_OVERDUE",
        FollowUpEscalated => "FOLLOW_UP_ESCALATED",
        ClosureRequested => "CLOSURE_REQUESTED",
        ClosureReturned => "CLOSURE_RETURNED",
        ClosureWithdrawn => "CLOSURE_WITHDRAWN",
        Completed => "COMPLETED",
        Failed => "FAILED",
        Reopened => "REOPENED",
    }
);

impl EventType {
    /// Events about the station's own work that the referring department never
    /// sees on its feed (the closed loop tells it that services started or changed,
    /// not each step of the station's internal review).
    pub fn is_station_only(self) -> bool {
        matches!(
            self,
            EventType::PlanSubmitted
                | EventType::PlanReturned
                | EventType::VolunteerTaskPosted
                | EventType::VolunteerTaskClaimed
                | EventType::VolunteerTaskOverdue
                | EventType::FollowUpOverdue
                | EventType::FollowUpEscalated
                | EventType::ClosureRequested
                | EventType::ClosureReturned
                | EventType::ClosureWithdrawn
        )
    }
}

/// The plan version an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRef {
    pub id: crate::PlanId,
    pub version: u32,
}

/// One event, as appended in the transaction of the change. `sequence` is given when
/// the relay moves it into the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralEvent {
    #[serde(skip)]
    pub sequence: Option<u64>,
    /// The W3C `traceparent` of the call that recorded the event, when it was traced:
    /// kept beside the event, never in it, and never sent to watchers.
    #[serde(skip)]
    pub trace_context: Option<String>,
    pub id: Uuid,
    pub event_type: EventType,
    pub referral: ReferralId,
    pub hospital: HospitalId,
    pub department: DepartmentId,
    pub station: StationId,
    pub status: Status,
    pub priority: Priority,
    pub assigned_worker: Option<SocialWorkerId>,
    pub rejection_reason: Option<RejectionReason>,
    pub occurred_at: DateTime<Utc>,
    /// The referral's version and update time after the event, so a watcher that
    /// holds that version needs no read (`None` in events recorded before they were
    /// carried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// For plan events: the plan and version (ids only, never content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanRef>,
    /// For volunteer task events: the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volunteer_task: Option<crate::VolunteerTaskId>,
    /// For follow-up events: the follow-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<crate::FollowUpId>,
    /// For COMPLETED and FAILED: the outcome and the summary for the department. The
    /// summary speaks of the patient: the store seals it in the stored event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<ClosureNotice>,
    /// For REOPENED: the closed referral the new one reopens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_referral: Option<ReferralId>,
}

/// What a closing event tells the department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureNotice {
    pub outcome: crate::referral::ClosureOutcome,
    pub summary: String,
}

impl ReferralEvent {
    /// The event describing `referral` as it stands after a change.
    pub fn of(event_type: EventType, referral: &Referral, at: DateTime<Utc>) -> Self {
        Self {
            sequence: None,
            trace_context: None,
            id: Uuid::now_v7(),
            event_type,
            referral: referral.id,
            hospital: referral.hospital.clone(),
            department: referral.department,
            station: referral.station.clone(),
            status: referral.status,
            priority: referral.priority,
            assigned_worker: referral.assigned_worker,
            rejection_reason: referral.status_reason.rejection_reason,
            occurred_at: at,
            version: Some(referral.version),
            updated_at: Some(referral.updated_at),
            plan: None,
            volunteer_task: None,
            follow_up: None,
            closure: matches!(event_type, EventType::Completed | EventType::Failed)
                .then(|| referral.closure.as_ref())
                .flatten()
                .map(|c| ClosureNotice {
                    outcome: c.outcome,
                    summary: c.summary.clone(),
                }),
            related_referral: (event_type == EventType::Reopened)
                .then_some(referral.reopened_from)
                .flatten(),
        }
    }

    /// An event about a version of the referral's plan.
    pub fn of_plan(
        event_type: EventType,
        referral: &Referral,
        plan: PlanRef,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            plan: Some(plan),
            ..Self::of(event_type, referral, at)
        }
    }

    /// An event about a volunteer task of the referral's plan.
    pub fn of_task(
        event_type: EventType,
        referral: &Referral,
        task: &crate::plan::VolunteerTask,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            volunteer_task: Some(task.id),
            ..Self::of_plan(
                event_type,
                referral,
                PlanRef {
                    id: task.plan,
                    version: 0,
                },
                at,
            )
        }
    }
}

impl ReferralEvent {
    /// What decides who may see this event: the referral as it stood after the event.
    pub fn scope(&self) -> crate::referral::RecordScope<'_> {
        crate::referral::RecordScope {
            hospital: &self.hospital,
            department: &self.department,
            station: &self.station,
            assigned_worker: self.assigned_worker.as_ref(),
        }
    }
}
