//! A follow-up: a contact the station schedules, its attempts and outcome, and when the
//! server marks it overdue and escalates it to the supervisors.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::assessment::Instrument;
use crate::followup::Channel;
use crate::named::named_enum;
use crate::{
    AssessmentId, Code, Etag, FollowUpId, Priority, ReferralId, ServiceError, SocialWorkerId,
    StationId, Violations,
};

const MAX_NOTE: usize = 2000;
const MAX_REASON: usize = 1000;
const MAX_ATTEMPT_NOTE: usize = 1000;
/// The grace period when none is given.
pub const DEFAULT_GRACE_HOURS: i32 = 24;

named_enum!(
    /// Why a follow-up is scheduled.
    Purpose {
        CheckIn => "CHECK_IN",
        Reassessment => "REASSESSMENT",
        PostDischarge => "POST_DISCHARGE",
        SafetyCheck => "SAFETY_CHECK",
        Satisfaction => "SATISFACTION",
    }
);

named_enum!(
    /// When in the case a follow-up falls.
    Phase {
        DuringCase => "DURING_CASE",
        AfterClosure => "AFTER_CLOSURE",
    }
);

named_enum!(
    /// Where a follow-up stands.
    FollowUpState {
        Scheduled => "SCHEDULED",
        Done => "DONE",
        Missed => "MISSED",
        Cancelled => "CANCELLED",
    }
);

named_enum!(
    /// What a follow-up found.
    FollowUpOutcome {
        Stable => "STABLE",
        NeedsSupport => "NEEDS_SUPPORT",
        Escalate => "ESCALATE",
        NotReached => "NOT_REACHED",
        Declined => "DECLINED",
        Died => "DIED",
    }
);

/// One attempt to reach the patient or family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub channel: Channel,
    pub reached: bool,
    pub note: String,
}

/// What a follow-up says, sealed together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpTexts {
    pub note: String,
    pub attempts: Vec<Attempt>,
}

/// A scheduled follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub referral: ReferralId,
    pub station: StationId,
    pub request_id: String,
    pub phase: Phase,
    pub purpose: Purpose,
    pub instruments: Vec<Instrument>,
    pub channel: Channel,
    pub due_at: DateTime<Utc>,
    pub grace_hours: i32,
    pub assignee: Option<SocialWorkerId>,
    pub state: FollowUpState,
    pub overdue: bool,
    /// When it is escalated if still overdue: set when it becomes overdue.
    pub escalate_at: Option<DateTime<Utc>>,
    pub escalated: bool,
    pub outcome: Option<FollowUpOutcome>,
    pub assessment: Option<AssessmentId>,
    pub texts: FollowUpTexts,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl FollowUp {
    pub fn etag(&self) -> Etag {
        Etag::of(self.version)
    }

    /// When its grace period ends.
    pub fn overdue_at(&self) -> DateTime<Utc> {
        self.due_at + Duration::hours(i64::from(self.grace_hours))
    }
}

/// How long an overdue follow-up waits before it is escalated: at once for a safety
/// check or an emergency, a few hours for an urgent case, a day otherwise.
pub fn escalation_delay(purpose: Purpose, priority: Priority) -> Duration {
    if purpose == Purpose::SafetyCheck {
        return Duration::zero();
    }
    match priority {
        Priority::Emergency => Duration::zero(),
        Priority::Urgent => Duration::hours(4),
        Priority::Routine => Duration::hours(24),
    }
}

/// A follow-up as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FollowUpDraft {
    pub phase: String,
    pub purpose: String,
    pub instruments: Vec<String>,
    pub channel: String,
    pub due_at: Option<DateTime<Utc>>,
    pub grace_hours: i32,
    pub assignee: Option<SocialWorkerId>,
}

impl FollowUpDraft {
    /// A follow-up of `referral`, or every offending field under `follow_up.`.
    #[allow(clippy::too_many_arguments)]
    pub fn validate(
        self,
        referral: ReferralId,
        station: StationId,
        request_id: String,
        assignee: Option<SocialWorkerId>,
        created_by: String,
        now: DateTime<Utc>,
    ) -> Result<FollowUp, Violations> {
        let mut v = Violations::new();
        let phase = if self.phase.is_empty() {
            Some(Phase::DuringCase)
        } else {
            Phase::parse(&self.phase)
        };
        if phase.is_none() {
            v.add("follow_up.phase", "must be DURING_CASE or AFTER_CLOSURE");
        }
        let purpose = Purpose::parse(&self.purpose);
        if purpose.is_none() {
            v.add(
                "follow_up.purpose",
                "is required: CHECK_IN, REASSESSMENT, POST_DISCHARGE, SAFETY_CHECK or SATISFACTION",
            );
        }
        let mut instruments = Vec::new();
        for (i, id) in self.instruments.iter().enumerate() {
            match Instrument::parse(id) {
                Some(instrument) => instruments.push(instrument),
                None => v.add(
                    format!("follow_up.instrument_ids[{i}]"),
                    "is not an instrument Yishe scores",
                ),
            }
        }
        let channel = Channel::parse(&self.channel);
        if channel.is_none() {
            v.add(
                "follow_up.channel",
                "is required: how the contact is meant to happen",
            );
        }
        match self.due_at {
            None => v.add("follow_up.due_time", "is required: when it is due"),
            Some(due) if due <= now => v.add("follow_up.due_time", "must be in the future"),
            Some(_) => {}
        }
        let grace_hours = if self.grace_hours == 0 {
            DEFAULT_GRACE_HOURS
        } else {
            self.grace_hours
        };
        if !(0..=720).contains(&self.grace_hours) {
            v.add("follow_up.grace_hours", "must be 0 to 720 hours");
        }
        match (phase, purpose, channel, self.due_at) {
            (Some(phase), Some(purpose), Some(channel), Some(due_at)) if v.is_empty() => {
                Ok(FollowUp {
                    id: FollowUpId::new(),
                    referral,
                    station,
                    request_id,
                    phase,
                    purpose,
                    instruments,
                    channel,
                    due_at,
                    grace_hours,
                    assignee,
                    state: FollowUpState::Scheduled,
                    overdue: false,
                    escalate_at: None,
                    escalated: false,
                    outcome: None,
                    assessment: None,
                    texts: FollowUpTexts::default(),
                    created_by,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                })
            }
            _ => Err(v),
        }
    }
}

/// An attempt as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptDraft {
    pub at: Option<DateTime<Utc>>,
    pub channel: String,
    pub reached: bool,
    pub note: String,
}

/// Why a follow-up's rules refuse a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpRefusal {
    #[error("the follow-up is {} and cannot be {what}", .state.as_str())]
    WrongState {
        state: FollowUpState,
        what: &'static str,
    },
}

impl ServiceError for FollowUpRefusal {
    fn code(&self) -> Code {
        Code::FailedPrecondition
    }

    fn reason(&self) -> &'static str {
        match self {
            FollowUpRefusal::WrongState { .. } => "WRONG_FOLLOW_UP_STATE",
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            FollowUpRefusal::WrongState { state, .. } => vec![("state", state.as_str().to_owned())],
        }
    }
}

/// A refused step: bad input or a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpStepError {
    #[error("{0}")]
    Invalid(Violations),
    #[error(transparent)]
    Refused(#[from] FollowUpRefusal),
}

impl FollowUp {
    fn scheduled(&self, what: &'static str) -> Result<(), FollowUpRefusal> {
        if self.state == FollowUpState::Scheduled {
            Ok(())
        } else {
            Err(FollowUpRefusal::WrongState {
                state: self.state,
                what,
            })
        }
    }

    /// Moves it to `due_at`, with the reason; it is no longer overdue.
    pub fn reschedule(
        &mut self,
        due_at: DateTime<Utc>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), FollowUpStepError> {
        let mut v = Violations::new();
        let reason = v.required_text("reason", reason, MAX_REASON);
        if due_at <= now {
            v.add("due_time", "must be in the future");
        }
        if !v.is_empty() {
            return Err(FollowUpStepError::Invalid(v));
        }
        self.scheduled("rescheduled")?;
        // An escalated follow-up stays on the supervisors' list until it is done.
        self.due_at = due_at;
        if !self.escalated {
            self.overdue = false;
            self.escalate_at = None;
        }
        self.texts.note = reason;
        self.updated_at = now;
        Ok(())
    }

    /// Records an attempt to reach the patient or family.
    pub fn attempt(
        &mut self,
        attempt: AttemptDraft,
        now: DateTime<Utc>,
    ) -> Result<(), FollowUpStepError> {
        let mut v = Violations::new();
        let note = v.optional_text("attempt.note", &attempt.note, MAX_ATTEMPT_NOTE);
        let channel = Channel::parse(&attempt.channel);
        if channel.is_none() {
            v.add("attempt.channel", "is required: how the attempt was made");
        }
        let at = attempt.at.unwrap_or(now);
        if at > now {
            v.add("attempt.attempt_time", "must not be in the future");
        }
        let Some(channel) = channel.filter(|_| v.is_empty()) else {
            return Err(FollowUpStepError::Invalid(v));
        };
        self.scheduled("attempted")?;
        self.texts.attempts.push(Attempt {
            at,
            channel,
            reached: attempt.reached,
            note,
        });
        self.updated_at = now;
        Ok(())
    }

    /// Completes it: DONE with the outcome, MISSED when nobody was reached.
    pub fn complete(
        &mut self,
        outcome: Option<FollowUpOutcome>,
        note: &str,
        assessment: Option<AssessmentId>,
        now: DateTime<Utc>,
    ) -> Result<(), FollowUpStepError> {
        let mut v = Violations::new();
        let note = v.optional_text("note", note, MAX_NOTE);
        if outcome.is_none() {
            v.add("outcome", "is required: what the follow-up found");
        }
        let Some(outcome) = outcome.filter(|_| v.is_empty()) else {
            return Err(FollowUpStepError::Invalid(v));
        };
        self.scheduled("completed")?;
        self.state = if outcome == FollowUpOutcome::NotReached {
            FollowUpState::Missed
        } else {
            FollowUpState::Done
        };
        self.outcome = Some(outcome);
        self.assessment = assessment;
        self.texts.note = note;
        self.updated_at = now;
        Ok(())
    }

    /// Cancels it, with the reason.
    pub fn cancel(&mut self, reason: &str, now: DateTime<Utc>) -> Result<(), FollowUpStepError> {
        let mut v = Violations::new();
        let reason = v.required_text("reason", reason, MAX_REASON);
        if !v.is_empty() {
            return Err(FollowUpStepError::Invalid(v));
        }
        self.scheduled("cancelled")?;
        self.state = FollowUpState::Cancelled;
        self.texts.note = reason;
        self.updated_at = now;
        Ok(())
    }

    /// Marks it overdue once its grace period has passed, setting when it is to be
    /// escalated; returns whether it did.
    pub fn mark_overdue(&mut self, priority: Priority, now: DateTime<Utc>) -> bool {
        if self.state != FollowUpState::Scheduled || self.overdue || now <= self.overdue_at() {
            return false;
        }
        self.overdue = true;
        // From when the server noticed, so a watch that was down does not escalate in
        // the same pass what should have waited.
        let from = self.overdue_at().max(now);
        self.escalate_at = Some(from + escalation_delay(self.purpose, priority));
        self.updated_at = now;
        true
    }

    /// Escalates it to the supervisors once overdue past its delay; returns whether
    /// it did.
    pub fn mark_escalated(&mut self, now: DateTime<Utc>) -> bool {
        let due = self.escalate_at.is_some_and(|at| now >= at);
        if self.state != FollowUpState::Scheduled || !self.overdue || self.escalated || !due {
            return false;
        }
        self.escalated = true;
        self.updated_at = now;
        true
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap()
    }

    fn scheduled(purpose: &str) -> FollowUp {
        FollowUpDraft {
            purpose: purpose.into(),
            channel: "PHONE".into(),
            due_at: Some(now() + Duration::hours(2)),
            ..Default::default()
        }
        .validate(
            ReferralId::new(),
            StationId::parse("s1").unwrap(),
            "f1".into(),
            None,
            "k".into(),
            now(),
        )
        .unwrap()
    }

    #[test]
    fn overdue_after_grace_then_escalated_by_priority() {
        let mut check_in = scheduled("CHECK_IN");
        assert_eq!(check_in.grace_hours, DEFAULT_GRACE_HOURS);
        assert!(!check_in.mark_overdue(Priority::Routine, now() + Duration::hours(20)));
        assert!(check_in.mark_overdue(Priority::Routine, now() + Duration::hours(27)));
        assert!(
            !check_in.mark_overdue(Priority::Routine, now() + Duration::hours(28)),
            "once"
        );
        assert!(
            !check_in.mark_escalated(now() + Duration::hours(30)),
            "a day for a routine case"
        );
        assert!(check_in.mark_escalated(now() + Duration::hours(51)));

        // Noticed late (the watch was down): the delay runs from then.
        let mut late = scheduled("CHECK_IN");
        assert!(late.mark_overdue(Priority::Routine, now() + Duration::hours(100)));
        assert!(
            !late.mark_escalated(now() + Duration::hours(100)),
            "not in the same pass"
        );

        let mut safety = scheduled("SAFETY_CHECK");
        assert!(safety.mark_overdue(Priority::Routine, now() + Duration::hours(27)));
        assert!(
            safety.mark_escalated(now() + Duration::hours(27)),
            "at once"
        );
    }

    #[test]
    fn only_a_scheduled_follow_up_moves() {
        let mut f = scheduled("CHECK_IN");
        assert!(matches!(
            f.complete(None, "", None, now()),
            Err(FollowUpStepError::Invalid(v)) if v.names("outcome")
        ));
        f.complete(Some(FollowUpOutcome::NotReached), "", None, now())
            .unwrap();
        assert_eq!(f.state, FollowUpState::Missed);
        assert!(matches!(
            f.cancel("late", now()),
            Err(FollowUpStepError::Refused(
                FollowUpRefusal::WrongState { .. }
            ))
        ));
    }
}
