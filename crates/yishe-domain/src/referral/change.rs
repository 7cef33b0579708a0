//! Every change to a referral after intake, and the event each one puts on the feed:
//! the station's answers, the steps of a case, an assignment, what an assessment does
//! to its referral, a missed deadline. `Referral::apply` holds the rules of all of
//! them, so every service that changes a referral changes it the same way.

use chrono::{DateTime, Utc};

use crate::directory::{AssignmentError, AssignmentTarget, SocialWorker, check_assignment};
use crate::referral::{
    Closure, ClosureApprover, ClosurePerson, ClosureRefusal, ClosureRequest, ClosureState, Command,
    ConsentKind, ConsentWithdrawal, EventType, Referral, ReferralUpdate, RejectionReason, Status,
    StatusReason, TransitionError,
};
use crate::{AuditAction, Code, Priority, Role, ServiceError, Violations};

/// The longest note a change carries.
const MAX_NOTE: usize = 2000;
/// The longest name of who withdrew consent.
const MAX_NAME: usize = 100;

/// Who makes a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A caller, whose role the status machine checks.
    Caller(Role),
    /// Yishe itself: the SLA watch.
    Yishe,
}

/// A change to a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The station takes the referral (接单).
    Accept,
    /// The station declines it.
    Reject {
        reason: Option<RejectionReason>,
        note: String,
    },
    /// The case pauses, with why.
    Hold { note: String },
    /// The case goes on.
    Resume { note: String },
    /// The referral is withdrawn before completion, with why.
    Cancel { note: String },
    /// The department withdraws a referral it made in error.
    Retract { note: String },
    /// The first assessment starts the work.
    StartWork,
    /// A supervisor gives the case to a social worker.
    Assign(SocialWorker),
    /// An assessment showed a risk: the referral is at least URGENT from now on.
    RiskRaised,
    /// Still REQUESTED at its acceptance deadline.
    SlaBreached,
    /// The department updates what it knows (UpdateReferral).
    Update(ReferralUpdate),
    /// The station met the patient or family at `at`: the referral keeps the
    /// earliest such time (a contact recorded late may have come first).
    /// `consent_reconfirmed`: the patient confirmed again the consent a reopened case
    /// carried over (required while it awaits that).
    FirstContact {
        at: DateTime<Utc>,
        consent_reconfirmed: bool,
    },
    /// The assigned worker asks to close the case (checked against the case's open
    /// work by the service, in the same transaction).
    RequestClosure {
        request: ClosureRequest,
        by: ClosurePerson,
    },
    /// A supervisor approves (the case ends) or returns (with a note) the request.
    DecideClosure {
        approver: ClosureApprover,
        approve: bool,
        note: String,
    },
    /// The assigned worker takes their request back.
    WithdrawClosure { by: ClosurePerson },
    /// The patient or guardian withdraws consent (`withdrawn_by` says who), recorded
    /// by `recorded_by`, with an optional note.
    WithdrawConsent {
        withdrawn_by: String,
        recorded_by: String,
        note: String,
    },
}

/// Why a change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Assignment(#[from] AssignmentError),
    #[error("only a supervisor assigns referrals")]
    OnlySupervisorsAssign,
    #[error("a referral in status {} cannot be assigned; accept it first", .0.as_str())]
    NotAssignable(Status),
    #[error("the priority is {}; an update may raise it, never lower it", .0.as_str())]
    PriorityLowered(Priority),
    #[error(
        "the referral proceeds under a justified override (child protection, abuse, emergency), not consent: there is no consent to withdraw"
    )]
    ConsentNotGiven,
    #[error(
        "the case was reopened with its consent carried over: the first contact must record that the patient or guardian confirmed it again"
    )]
    ConsentReconfirmationRequired,
    #[error(transparent)]
    Closure(#[from] ClosureRefusal),
}

impl ServiceError for ChangeError {
    fn code(&self) -> Code {
        match self {
            ChangeError::Transition(TransitionError::RoleNotAllowed { .. })
            | ChangeError::OnlySupervisorsAssign => Code::PermissionDenied,
            ChangeError::Transition(TransitionError::NotAllowed { .. })
            | ChangeError::Assignment(_)
            | ChangeError::NotAssignable(_)
            | ChangeError::PriorityLowered(_)
            | ChangeError::ConsentNotGiven
            | ChangeError::ConsentReconfirmationRequired => Code::FailedPrecondition,
            ChangeError::Closure(refusal) => refusal.code(),
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            ChangeError::Transition(e) => e.reason(),
            ChangeError::Assignment(e) => e.reason(),
            ChangeError::OnlySupervisorsAssign => "ROLE_NOT_ALLOWED",
            ChangeError::NotAssignable(_) => "WRONG_STATUS",
            ChangeError::PriorityLowered(_) => "PRIORITY_CANNOT_BE_LOWERED",
            ChangeError::ConsentNotGiven => "CONSENT_NOT_GIVEN",
            ChangeError::ConsentReconfirmationRequired => "CONSENT_RECONFIRMATION_REQUIRED",
            ChangeError::Closure(refusal) => refusal.reason(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            ChangeError::Transition(e) => e.metadata(),
            ChangeError::Assignment(e) => e.metadata(),
            ChangeError::OnlySupervisorsAssign => vec![("command", "ASSIGN".to_owned())],
            ChangeError::NotAssignable(status) => vec![
                ("status", status.as_str().to_owned()),
                ("command", "ASSIGN".to_owned()),
            ],
            ChangeError::PriorityLowered(priority) => {
                vec![("priority", priority.as_str().to_owned())]
            }
            ChangeError::ConsentNotGiven | ChangeError::ConsentReconfirmationRequired => Vec::new(),
            ChangeError::Closure(refusal) => refusal.metadata(),
        }
    }
}

impl Change {
    /// What the audit log calls the act that makes this change.
    pub fn audit_action(&self) -> AuditAction {
        match self {
            Change::Accept => AuditAction::ReferralAccept,
            Change::Reject { .. } => AuditAction::ReferralReject,
            Change::Hold { .. } => AuditAction::ReferralHold,
            Change::Resume { .. } => AuditAction::ReferralResume,
            Change::Cancel { .. } => AuditAction::ReferralCancel,
            Change::Retract { .. } => AuditAction::ReferralRetract,
            // The first assessment submitted is what starts the work.
            Change::StartWork => AuditAction::AssessmentSubmit,
            Change::Assign(_) => AuditAction::ReferralAssign,
            Change::RiskRaised => AuditAction::RiskFlagRaise,
            Change::SlaBreached => AuditAction::ReferralSlaBreach,
            Change::Update(_) => AuditAction::ReferralUpdate,
            Change::WithdrawConsent { .. } => AuditAction::ReferralConsentWithdraw,
            Change::FirstContact { .. } => AuditAction::ContactRecord,
            Change::RequestClosure { .. } => AuditAction::ReferralClosureRequest,
            Change::DecideClosure { approve: true, .. } => AuditAction::ReferralClosureApprove,
            Change::DecideClosure { approve: false, .. } => AuditAction::ReferralClosureReturn,
            Change::WithdrawClosure { .. } => AuditAction::ReferralClosureWithdraw,
        }
    }

    /// The change with its notes trimmed, or every offending field: a rejection needs
    /// a known reason (and a note when it is OTHER); a hold, a cancellation and a
    /// retraction say why.
    pub fn checked(self) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let change = match self {
            Change::Reject { reason, note } => {
                let note = v.optional_text("note", &note, MAX_NOTE);
                match reason {
                    None => v.add("reason", "is required: a known rejection reason"),
                    Some(RejectionReason::Other) if note.is_empty() => {
                        v.add("note", "is required when the reason is OTHER")
                    }
                    Some(_) => {}
                }
                Change::Reject { reason, note }
            }
            Change::Hold { note } => Change::Hold {
                note: v.required_text("note", &note, MAX_NOTE),
            },
            Change::Cancel { note } => Change::Cancel {
                note: v.required_text("note", &note, MAX_NOTE),
            },
            Change::Retract { note } => Change::Retract {
                note: v.required_text("note", &note, MAX_NOTE),
            },
            Change::Resume { note } => Change::Resume {
                note: v.optional_text("note", &note, MAX_NOTE),
            },
            Change::WithdrawConsent {
                withdrawn_by,
                recorded_by,
                note,
            } => Change::WithdrawConsent {
                withdrawn_by: v.required_text("withdrawn_by", &withdrawn_by, MAX_NAME),
                recorded_by,
                note: v.optional_text("note", &note, MAX_NOTE),
            },
            Change::Update(update) => match update.checked() {
                Ok(update) => Change::Update(update),
                Err(bad) => return Err(bad),
            },
            other => other,
        };
        v.into_result(change)
    }
}

impl Referral {
    /// Applies `change` made by `by` at `now`, returning the event it causes; on
    /// refusal the referral is left as it was. The version is the store's to move.
    pub fn apply(
        &mut self,
        change: Change,
        by: Actor,
        now: DateTime<Utc>,
    ) -> Result<EventType, ChangeError> {
        let event = match change {
            Change::Accept => {
                self.step(Command::Accept, by)?;
                self.accepted_at = Some(now);
                EventType::Accepted
            }
            Change::Reject { reason, note } => {
                self.step(Command::Reject, by)?;
                self.status_reason = StatusReason {
                    rejection_reason: reason,
                    note,
                };
                EventType::Rejected
            }
            Change::Hold { note } => {
                // A case about to close is decided on first: a hold would leave the
                // request with a status no outcome can end from.
                if self.closure_pending() {
                    return Err(ClosureRefusal::Pending.into());
                }
                self.step(Command::Hold, by)?;
                self.status_reason = StatusReason::noted(note);
                EventType::Held
            }
            Change::Resume { note } => {
                self.step(Command::Resume, by)?;
                self.status_reason = StatusReason::noted(note);
                EventType::Resumed
            }
            Change::Cancel { note } => {
                self.step(Command::Cancel, by)?;
                self.status_reason = StatusReason::noted(note);
                EventType::Cancelled
            }
            Change::Retract { note } => {
                self.step(Command::Retract, by)?;
                self.status_reason = StatusReason::noted(note);
                EventType::EnteredInError
            }
            Change::StartWork => {
                self.step(Command::StartWork, by)?;
                EventType::Started
            }
            Change::Assign(worker) => {
                self.check_assignable(by)?;
                let already = self.assigned_worker == Some(worker.id);
                check_assignment(
                    &worker.load(already),
                    &AssignmentTarget {
                        station: &self.station,
                        priority: self.priority,
                        reasons: &self.reasons,
                    },
                )?;
                // A case given to someone else is no longer the requester's to close:
                // their pending request goes with it (the new worker asks anew).
                if !already
                    && let Some(closure) = self.closure.as_mut()
                    && closure.state == ClosureState::PendingApproval
                {
                    closure.state = ClosureState::Withdrawn;
                    closure.decided_at = Some(now);
                }
                self.assigned_worker = Some(worker.id);
                self.assigned_worker_name = Some(worker.display_name);
                EventType::Assigned
            }
            Change::RiskRaised => {
                self.priority = self.priority.at_least(Priority::Urgent);
                EventType::RiskFlagRaised
            }
            Change::SlaBreached => {
                self.sla_breached = true;
                EventType::SlaBreached
            }
            Change::FirstContact {
                at,
                consent_reconfirmed,
            } => {
                if self.consent.awaits_reconfirmation() {
                    if !consent_reconfirmed {
                        return Err(ChangeError::ConsentReconfirmationRequired);
                    }
                    if let Some(r) = self.consent.reconfirmation.as_mut() {
                        r.reconfirmed_at = Some(now);
                    }
                }
                let earliest = self.first_contact_at.map_or(at, |known| known.min(at));
                self.first_contact_at = Some(earliest);
                EventType::FirstContact
            }
            Change::RequestClosure { request, by } => self.request_closure(request, by, now)?,
            Change::DecideClosure {
                approver,
                approve,
                note,
            } => self.decide_closure(&approver, approve, note, now)?,
            Change::WithdrawClosure { by } => {
                self.check_requester(&by)?;
                let closure = self.pending_closure()?;
                if closure.requested_by.worker != by.worker {
                    return Err(ClosureRefusal::NotAssignedWorker.into());
                }
                closure.state = ClosureState::Withdrawn;
                closure.decided_at = Some(now);
                EventType::ClosureWithdrawn
            }
            Change::Update(update) => self.update(update, by)?,
            Change::WithdrawConsent {
                withdrawn_by,
                recorded_by,
                note,
            } => {
                // The role and the status first, so that their refusals come before
                // this one; nothing has changed until the consent is known to be given.
                let before = self.status;
                self.step(Command::WithdrawConsent, by)?;
                if self.consent.kind != ConsentKind::Given {
                    self.status = before;
                    return Err(ChangeError::ConsentNotGiven);
                }
                self.consent.withdrawal = Some(ConsentWithdrawal {
                    withdrawn_by,
                    recorded_by,
                    withdrawn_at: now,
                });
                self.status_reason = StatusReason::noted(note);
                EventType::ConsentWithdrawn
            }
        };
        if self.status.is_terminal() && self.ended_at.is_none() {
            self.ended_at = Some(now);
        }
        // A case ended another way (cancelled, consent withdrawn) takes its pending
        // closure request with it: nobody is left to decide on it.
        if self.status.is_terminal()
            && let Some(closure) = self.closure.as_mut()
            && closure.state == ClosureState::PendingApproval
        {
            closure.state = ClosureState::Withdrawn;
            closure.decided_at = Some(now);
        }
        self.updated_at = now;
        Ok(event)
    }

    /// The assigned worker's request: the case open, no request pending, and the
    /// outcome's final status one the status machine allows from here.
    fn request_closure(
        &mut self,
        request: ClosureRequest,
        by: ClosurePerson,
        now: DateTime<Utc>,
    ) -> Result<EventType, ChangeError> {
        self.check_requester(&by)?;
        if self.closure_pending() {
            return Err(ClosureRefusal::Pending.into());
        }
        self.status.apply(request.outcome.command())?;
        self.closure = Some(Closure {
            state: ClosureState::PendingApproval,
            outcome: request.outcome,
            summary: request.summary,
            services: request.services,
            goals: request.goals,
            satisfaction: request.satisfaction,
            requested_by: by,
            requested_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
        });
        Ok(EventType::ClosureRequested)
    }

    /// A supervisor's decision on the pending request. Approval ends the case with
    /// the outcome's status and the summary as its note (the department's to read).
    fn decide_closure(
        &mut self,
        approver: &ClosureApprover,
        approve: bool,
        note: String,
        now: DateTime<Utc>,
    ) -> Result<EventType, ChangeError> {
        let reasons = self.reasons.clone();
        let status = self.status;
        let closure = self.pending_closure()?;
        approver.check(&closure.requested_by, &reasons, approve)?;
        // Checked before anything changes: a refusal leaves the referral as it was.
        let next = if approve {
            Some(status.apply(closure.outcome.command())?)
        } else {
            None
        };
        closure.decided_by = Some(approver.person.clone());
        closure.decided_at = Some(now);
        closure.decision_note = note;
        let Some(next) = next else {
            closure.state = ClosureState::Returned;
            return Ok(EventType::ClosureReturned);
        };
        closure.state = ClosureState::Approved;
        let summary = closure.summary.clone();
        self.status = next;
        self.status_reason = StatusReason::noted(summary);
        Ok(match next {
            Status::Completed => EventType::Completed,
            _ => EventType::Failed,
        })
    }

    /// Only the case's assigned worker requests or withdraws its closure.
    fn check_requester(&self, by: &ClosurePerson) -> Result<(), ClosureRefusal> {
        match by.worker {
            Some(worker) if self.assigned_worker == Some(worker) => Ok(()),
            _ => Err(ClosureRefusal::NotAssignedWorker),
        }
    }

    /// Whether a closure request awaits a supervisor.
    pub fn closure_pending(&self) -> bool {
        self.closure
            .as_ref()
            .is_some_and(|c| c.state == ClosureState::PendingApproval)
    }

    fn pending_closure(&mut self) -> Result<&mut Closure, ClosureRefusal> {
        self.closure
            .as_mut()
            .filter(|c| c.state == ClosureState::PendingApproval)
            .ok_or(ClosureRefusal::NotPending)
    }

    /// The department's update: checked whole before anything changes.
    fn update(&mut self, update: ReferralUpdate, by: Actor) -> Result<EventType, ChangeError> {
        self.step(Command::Update, by)?;
        if let Some(priority) = update.priority
            && priority.at_least(self.priority) != priority
        {
            return Err(ChangeError::PriorityLowered(self.priority));
        }
        let patient = &mut self.patient;
        let fields = [
            (update.phone, &mut patient.phone),
            (update.ward, &mut patient.ward),
            (update.bed, &mut patient.bed),
            (update.clinical_summary, &mut patient.clinical_summary),
            (update.note, &mut self.note),
        ];
        for (value, field) in fields {
            if let Some(value) = value {
                *field = value;
            }
        }
        if let Some(priority) = update.priority {
            self.priority = priority;
        }
        Ok(match update.departure {
            Some(departure) => {
                self.patient.departure = Some(departure);
                EventType::DepartureReported
            }
            None => EventType::Updated,
        })
    }

    /// Whether `by` may assign this referral now: a supervisor, to an open case.
    /// Checked before the worker is looked up, so the answer does not depend on it.
    pub fn check_assignable(&self, by: Actor) -> Result<(), ChangeError> {
        if by != Actor::Caller(Role::Supervisor) {
            return Err(ChangeError::OnlySupervisorsAssign);
        }
        if !self.status.is_open_case() {
            return Err(ChangeError::NotAssignable(self.status));
        }
        Ok(())
    }

    /// Moves the status by `command`, if `by` may.
    fn step(&mut self, command: Command, by: Actor) -> Result<(), ChangeError> {
        self.status = match by {
            Actor::Caller(role) => self.status.apply_as(command, role)?,
            Actor::Yishe => self.status.apply(command)?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::CertificationLevel;
    use crate::referral::{Clinician, Consent, ConsentKind, Patient};
    use crate::{DepartmentId, HospitalId, ReferralId, SocialWorkerId, StationId};

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    fn referral() -> Referral {
        Referral {
            id: ReferralId::new(),
            request_id: "r1".into(),
            placer_order_id: None,
            previous_referral: None,
            reopened_from: None,
            created_by: "k1".into(),
            hospital: HospitalId::parse("h1").unwrap(),
            department: DepartmentId::new(),
            clinician: Clinician {
                name: "Dr".into(),
                staff_id: String::new(),
                contact: String::new(),
            },
            patient: Patient::removed(),
            reasons: vec![crate::referral::ReferralReason::FinancialHardship],
            note: String::new(),
            priority: Priority::Routine,
            consent: Consent {
                kind: ConsentKind::Given,
                given_by: "patient".into(),
                justification: String::new(),
                recorded_by: "Dr".into(),
                recorded_at: at(0),
                withdrawal: None,
                reconfirmation: None,
            },
            status: Status::Requested,
            status_reason: StatusReason::default(),
            station: StationId::parse("s1").unwrap(),
            assigned_worker: None,
            assigned_worker_name: None,
            acceptance_deadline: at(3600),
            sla_breached: false,
            accepted_at: None,
            ended_at: None,
            first_contact_at: None,
            closure: None,
            created_at: at(0),
            updated_at: at(0),
            version: 1,
        }
    }

    fn worker(limit: i32, open: i32) -> SocialWorker {
        SocialWorker {
            id: SocialWorkerId::new(),
            station: StationId::parse("s1").unwrap(),
            display_name: "Wang Fang".into(),
            level: CertificationLevel::Intermediate,
            caseload_limit: limit,
            active: true,
            on_leave: false,
            open_cases: open,
            created_at: at(0),
            updated_at: at(0),
            version: 1,
        }
    }

    const SUPERVISOR: Actor = Actor::Caller(Role::Supervisor);

    fn withdrawal() -> Change {
        Change::WithdrawConsent {
            withdrawn_by: "patient".into(),
            recorded_by: "key-1".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_withdrawal_of_consent_ends_the_case_and_says_who() {
        let mut r = referral();
        assert_eq!(
            r.apply(withdrawal(), SUPERVISOR, at(60)),
            Ok(EventType::ConsentWithdrawn)
        );
        assert_eq!((r.status, r.ended_at), (Status::Cancelled, Some(at(60))));
        let w = r.consent.withdrawal.clone().unwrap();
        assert_eq!(
            (w.withdrawn_by.as_str(), w.recorded_by.as_str()),
            ("patient", "key-1")
        );

        // Under an override there is nothing to withdraw, and nothing changes.
        let mut overridden = referral();
        overridden.consent.kind = ConsentKind::Overridden;
        let before = overridden.clone();
        assert_eq!(
            overridden.apply(withdrawal(), SUPERVISOR, at(60)),
            Err(ChangeError::ConsentNotGiven)
        );
        assert_eq!(overridden, before);
        // A role that may not comes first: the refusal says so, not the consent.
        assert!(matches!(
            overridden.apply(withdrawal(), Actor::Caller(Role::Auditor), at(60)),
            Err(ChangeError::Transition(
                TransitionError::RoleNotAllowed { .. }
            ))
        ));
    }

    #[test]
    fn accepting_records_when_and_says_so() {
        let mut r = referral();
        assert_eq!(
            r.apply(Change::Accept, SUPERVISOR, at(60)),
            Ok(EventType::Accepted)
        );
        assert_eq!(
            (r.status, r.accepted_at, r.updated_at),
            (Status::Accepted, Some(at(60)), at(60))
        );
        assert_eq!(r.version, 1, "the version is the store's to move");
    }

    #[test]
    fn a_refused_change_leaves_the_referral_as_it_was() {
        let mut r = referral();
        let before = r.clone();
        let refused = r.apply(Change::StartWork, SUPERVISOR, at(60));
        assert!(matches!(
            refused,
            Err(ChangeError::Transition(TransitionError::NotAllowed { .. }))
        ));
        let his = r.apply(Change::Accept, Actor::Caller(Role::HisIntegration), at(60));
        assert_eq!(his.unwrap_err().code(), Code::PermissionDenied);
        assert_eq!(r, before);
    }

    #[test]
    fn a_rejection_records_its_reason_and_note() {
        let mut r = referral();
        let change = Change::Reject {
            reason: Some(RejectionReason::NoCapacity),
            note: " full this week ".into(),
        }
        .checked()
        .unwrap();
        assert_eq!(r.apply(change, SUPERVISOR, at(1)), Ok(EventType::Rejected));
        assert_eq!(
            r.status_reason.rejection_reason,
            Some(RejectionReason::NoCapacity)
        );
        assert_eq!(r.status_reason.note, "full this week");
    }

    #[test]
    fn notes_are_required_where_the_change_must_say_why() {
        let missing = Change::Hold { note: " ".into() }.checked().unwrap_err();
        assert!(missing.names("note"));
        let other = Change::Reject {
            reason: Some(RejectionReason::Other),
            note: String::new(),
        };
        assert!(other.checked().unwrap_err().names("note"));
        let unknown = Change::Reject {
            reason: None,
            note: "x".into(),
        };
        assert!(unknown.checked().unwrap_err().names("reason"));
        assert!(
            Change::Resume {
                note: String::new()
            }
            .checked()
            .is_ok()
        );
    }

    #[test]
    fn only_a_supervisor_assigns_an_open_case_within_the_rules() {
        let mut r = referral();
        let w = worker(2, 0);
        assert_eq!(
            r.apply(Change::Assign(w.clone()), SUPERVISOR, at(1)),
            Err(ChangeError::NotAssignable(Status::Requested))
        );
        r.apply(Change::Accept, SUPERVISOR, at(1)).unwrap();
        assert_eq!(
            r.apply(
                Change::Assign(w.clone()),
                Actor::Caller(Role::SocialWorker),
                at(2)
            ),
            Err(ChangeError::OnlySupervisorsAssign)
        );
        assert_eq!(
            r.apply(Change::Assign(worker(2, 2)), SUPERVISOR, at(2)),
            Err(ChangeError::Assignment(AssignmentError::CaseloadFull {
                limit: 2
            }))
        );
        assert_eq!(
            r.apply(Change::Assign(w.clone()), SUPERVISOR, at(3)),
            Ok(EventType::Assigned)
        );
        assert_eq!(r.assigned_worker, Some(w.id));
        assert_eq!(r.assigned_worker_name.as_deref(), Some("Wang Fang"));
        // The same worker again does not count the case twice.
        let full_with_this_one = SocialWorker { open_cases: 2, ..w };
        assert_eq!(
            r.apply(Change::Assign(full_with_this_one), SUPERVISOR, at(4)),
            Ok(EventType::Assigned)
        );
    }

    #[test]
    fn a_risk_raises_the_priority_but_never_lowers_it() {
        let mut r = referral();
        assert_eq!(
            r.apply(Change::RiskRaised, Actor::Yishe, at(1)),
            Ok(EventType::RiskFlagRaised)
        );
        assert_eq!(r.priority, Priority::Urgent);
        r.priority = Priority::Emergency;
        r.apply(Change::RiskRaised, Actor::Yishe, at(2)).unwrap();
        assert_eq!(r.priority, Priority::Emergency);
    }

    #[test]
    fn a_pending_closure_stops_a_hold_and_goes_with_a_reassignment() {
        use crate::referral::{ClosureDraft, ClosurePerson, ClosureRefusal, ClosureState};
        let mut r = referral();
        let w = worker(5, 0);
        r.apply(Change::Accept, SUPERVISOR, at(1)).unwrap();
        r.apply(Change::Assign(w.clone()), SUPERVISOR, at(2))
            .unwrap();
        r.apply(Change::StartWork, SUPERVISOR, at(3)).unwrap();
        let by = |worker| ClosurePerson {
            subject: "key-w".into(),
            worker: Some(worker),
            name: "Wang Fang".into(),
        };
        let request = ClosureDraft {
            outcome: "GOALS_MET".into(),
            summary: "协助申请医疗救助".into(),
            ..ClosureDraft::default()
        }
        .validate(5)
        .unwrap();
        let ask = Change::RequestClosure {
            request,
            by: by(w.id),
        };
        let worker_role = Actor::Caller(Role::SocialWorker);
        assert_eq!(
            r.apply(ask, worker_role, at(4)),
            Ok(EventType::ClosureRequested)
        );
        let hold = Change::Hold {
            note: "转院".into(),
        };
        assert_eq!(
            r.apply(hold, SUPERVISOR, at(5)),
            Err(ChangeError::Closure(ClosureRefusal::Pending))
        );
        let other = worker(5, 0);
        let not_theirs = Change::WithdrawClosure { by: by(other.id) };
        assert_eq!(
            r.apply(not_theirs, worker_role, at(6)),
            Err(ChangeError::Closure(ClosureRefusal::NotAssignedWorker))
        );
        r.apply(Change::Assign(other), SUPERVISOR, at(7)).unwrap();
        let closure = r.closure.clone().unwrap();
        assert_eq!(
            (closure.state, closure.decided_at),
            (ClosureState::Withdrawn, Some(at(7))),
            "a case given to another worker takes the request with it"
        );
        assert_eq!(r.status, Status::InProgress);
    }

    #[test]
    fn a_missed_deadline_is_marked() {
        let mut r = referral();
        assert_eq!(
            r.apply(Change::SlaBreached, Actor::Yishe, at(4000)),
            Ok(EventType::SlaBreached)
        );
        assert!(r.sla_breached);
        assert_eq!(r.status, Status::Requested);
    }
}
