//! What a referral holds.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentId, HospitalId, ReferralId, SocialWorkerId, StationId};
use crate::priority::Priority;
use crate::referral::{ReferralReason, RejectionReason, Status};

/// The patient's sex as the HIS records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Sex {
    #[default]
    Unspecified,
    Female,
    Male,
    Other,
}

/// Who the referral is about. Sensitive personal information throughout: it never
/// goes into logs, events or metrics, so `Debug` prints no field.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub his_patient_id: String,
    pub encounter_id: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: Option<NaiveDate>,
    pub phone: String,
    pub ward: String,
    pub bed: String,
    pub clinical_summary: String,
    /// How the patient left the hospital, once the department reported it (sealed
    /// with the rest: a death is sensitive too). Absent from the stored form until
    /// then, so older records read and fingerprint as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure: Option<crate::referral::Departure>,
}

impl Patient {
    /// What is left of a patient once retention removed their details: nothing.
    pub fn removed() -> Self {
        Self {
            his_patient_id: String::new(),
            encounter_id: String::new(),
            name: String::new(),
            sex: Sex::Unspecified,
            birth_date: None,
            phone: String::new(),
            ward: String::new(),
            bed: String::new(),
            clinical_summary: String::new(),
            departure: None,
        }
    }
}

impl std::fmt::Debug for Patient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Patient { <redacted> }")
    }
}

/// The clinician who made the referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clinician {
    pub name: String,
    pub staff_id: String,
    pub contact: String,
}

/// How consent was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentKind {
    Given,
    Overridden,
}

/// The patient's consent, or the justified override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub kind: ConsentKind,
    pub given_by: String,
    pub justification: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// Set once the patient or guardian withdraws consent; absent in records written
    /// before withdrawal existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<ConsentWithdrawal>,
    /// Set on a reopened case, whose consent was carried over from the closed one and
    /// is to be confirmed again at the first contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconfirmation: Option<ConsentReconfirmation>,
}

/// Consent carried over to a reopened case, until the patient confirms it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentReconfirmation {
    pub required_since: DateTime<Utc>,
    pub reconfirmed_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Whether the consent still waits to be confirmed again.
    pub fn awaits_reconfirmation(&self) -> bool {
        self.reconfirmation
            .as_ref()
            .is_some_and(|r| r.reconfirmed_at.is_none())
    }
}

/// The patient's or guardian's withdrawal of consent (撤回同意).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentWithdrawal {
    /// Who withdrew it: "patient", or the guardian's relation.
    pub withdrawn_by: String,
    /// Who recorded it: the caller (an HIS key, a social worker).
    pub recorded_by: String,
    pub withdrawn_at: DateTime<Utc>,
}

/// Why a referral is in its status.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusReason {
    pub rejection_reason: Option<RejectionReason>,
    pub note: String,
}

impl StatusReason {
    /// A reason that is only a note (a hold, a cancellation).
    pub fn noted(note: String) -> Self {
        Self {
            rejection_reason: None,
            note,
        }
    }
}

/// A referral as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub request_id: String,
    /// The HIS order number (申请单号), when the department gave one: unique among
    /// the hospital's open referrals.
    pub placer_order_id: Option<String>,
    /// The declined referral this one sends again (to another station).
    pub previous_referral: Option<crate::ReferralId>,
    /// The closed referral this one reopens.
    pub reopened_from: Option<crate::ReferralId>,
    /// The credential that created it (idempotency keys are scoped to it).
    pub created_by: String,
    pub hospital: HospitalId,
    pub department: DepartmentId,
    pub clinician: Clinician,
    pub patient: Patient,
    pub reasons: Vec<ReferralReason>,
    pub note: String,
    pub priority: Priority,
    pub consent: Consent,
    pub status: Status,
    pub status_reason: StatusReason,
    pub station: StationId,
    pub assigned_worker: Option<SocialWorkerId>,
    pub assigned_worker_name: Option<String>,
    pub acceptance_deadline: DateTime<Utc>,
    pub sla_breached: bool,
    pub accepted_at: Option<DateTime<Utc>>,
    /// When it ended (rejected, cancelled, retracted, completed, failed).
    pub ended_at: Option<DateTime<Utc>>,
    /// When the station first met the patient or family (its first contact).
    pub first_contact_at: Option<DateTime<Utc>>,
    /// The case's closure, from its request on.
    pub closure: Option<crate::referral::Closure>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; the etag is derived from it.
    pub version: i64,
}

impl Referral {
    /// The opaque etag clients send back with a change.
    pub fn etag(&self) -> crate::Etag {
        crate::Etag::of(self.version)
    }
}

impl Referral {
    /// What decides who may see this referral.
    pub fn scope(&self) -> crate::referral::RecordScope<'_> {
        crate::referral::RecordScope {
            hospital: &self.hospital,
            department: &self.department,
            station: &self.station,
            assigned_worker: self.assigned_worker.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patient_debug_output_redacts_everything() {
        let p = Patient {
            his_patient_id: "MRN-SECRET".into(),
            encounter_id: "E1".into(),
            name: "王秘密".into(),
            sex: Sex::Female,
            birth_date: None,
            phone: "13800000000".into(),
            ward: "W".into(),
            bed: "B".into(),
            clinical_summary: "summary".into(),
            departure: None,
        };
        let shown = format!("{p:?}");
        assert!(
            !shown.contains("MRN-SECRET") && !shown.contains("王秘密") && !shown.contains("138")
        );
    }
}
