//! Reopening a closed case: the closed referral stays as it ended; a new one, linked to
//! it, continues the work from ACCEPTED with the same patient, department, reasons and
//! order number, and the consent carried over to be confirmed again at the first
//! contact.

use chrono::{DateTime, Duration, Utc};

use crate::referral::{
    ClosureRefusal, ConsentKind, ConsentReconfirmation, Referral, Status, StatusReason,
};
use crate::{ReferralId, Violations};

const MAX_REASON: usize = 2000;

/// The request id a reopened referral is created under: one per closed referral, so a
/// second reopening finds the first (the hospital's request ids are unique).
pub fn reopen_request_id(closed: ReferralId) -> String {
    format!("yishe-reopen:{closed}")
}

/// The reopening reason, required.
pub fn reopen_reason(text: &str) -> Result<String, Violations> {
    let mut v = Violations::new();
    let reason = v.required_text("reason", text, MAX_REASON);
    v.into_result(reason)
}

impl Referral {
    /// The new referral that reopens this closed one, made by `by` at `now` with
    /// `reason`; refused unless it is COMPLETED or FAILED and ended within `period`.
    /// It starts unassigned: the service gives it to the same worker when it may.
    pub fn reopened(
        &self,
        by: &str,
        reason: String,
        period: Duration,
        now: DateTime<Utc>,
    ) -> Result<Referral, ClosureRefusal> {
        if !matches!(self.status, Status::Completed | Status::Failed) {
            return Err(ClosureRefusal::NotClosed(self.status));
        }
        // Retention or the patient's erasure removed who it was about.
        if self.patient.his_patient_id.is_empty() {
            return Err(ClosureRefusal::PatientErased);
        }
        let ended_at = self.ended_at.unwrap_or(self.updated_at);
        if now - ended_at > period {
            return Err(ClosureRefusal::ReopenPeriodPassed { ended_at });
        }
        // Only consent given is carried over to be confirmed again: an override (a
        // child protection case) has no consent to confirm, and stands as decided.
        let mut consent = self.consent.clone();
        if consent.kind == ConsentKind::Given {
            consent.reconfirmation = Some(ConsentReconfirmation {
                required_since: now,
                reconfirmed_at: None,
            });
        }
        Ok(Referral {
            id: ReferralId::new(),
            request_id: reopen_request_id(self.id),
            placer_order_id: self.placer_order_id.clone(),
            previous_referral: None,
            reopened_from: Some(self.id),
            created_by: by.to_owned(),
            hospital: self.hospital.clone(),
            department: self.department,
            clinician: self.clinician.clone(),
            patient: self.patient.clone(),
            reasons: self.reasons.clone(),
            note: self.note.clone(),
            priority: self.priority,
            consent,
            status: Status::Accepted,
            status_reason: StatusReason::noted(reason),
            station: self.station.clone(),
            assigned_worker: None,
            assigned_worker_name: None,
            // Accepted at once: no deadline to meet.
            acceptance_deadline: now,
            sla_breached: false,
            accepted_at: Some(now),
            ended_at: None,
            first_contact_at: None,
            closure: None,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }
}
