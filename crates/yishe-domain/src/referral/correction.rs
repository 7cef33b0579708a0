//! The patient's right to have their details corrected (PIPL art. 46): the station
//! admin corrects the fields a request names on one referral, open or closed, and the
//! patient must still be valid after it, as at intake.

use chrono::{DateTime, Utc};

use crate::Violations;
use crate::referral::intake::{PatientDraft, patient_from};
use crate::referral::{EventType, Referral};

/// The reason every patient-rights act is recorded with.
const REASON: std::ops::RangeInclusive<usize> = 10..=500;

/// Checks the reason given for a patient's request: 10 to 500 characters.
pub fn rights_reason(reason: &str) -> Result<String, Violations> {
    let reason = reason.trim();
    if REASON.contains(&reason.chars().count()) {
        Ok(reason.to_owned())
    } else {
        Err(Violations::one(
            "reason",
            "is required: name the patient's request, 10 to 500 characters",
        ))
    }
}

/// Which of the patient's fields a correction changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatientMask {
    pub name: bool,
    pub sex: bool,
    pub birth_date: bool,
    pub phone: bool,
    pub ward: bool,
    pub bed: bool,
    pub encounter_id: bool,
    pub clinical_summary: bool,
}

impl PatientMask {
    /// The mask an `update_mask` names: at least one field, each one that may change.
    pub fn parse(paths: &[String]) -> Result<Self, Violations> {
        let mut mask = PatientMask::default();
        let mut v = Violations::new();
        v.field_mask(
            paths,
            &mut [
                ("name", &mut mask.name),
                ("sex", &mut mask.sex),
                ("birth_date", &mut mask.birth_date),
                ("phone", &mut mask.phone),
                ("ward", &mut mask.ward),
                ("bed", &mut mask.bed),
                ("encounter_id", &mut mask.encounter_id),
                ("clinical_summary", &mut mask.clinical_summary),
            ],
            "the fields to correct",
        );
        v.into_result(mask)
    }
}

/// A correction asked for: the new values of the masked fields.
#[derive(Debug, Clone)]
pub struct PatientCorrection {
    pub mask: PatientMask,
    pub values: PatientDraft,
}

/// Why a correction cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorrectionError {
    /// The patient's details were erased (by retention or on request).
    Erased,
    Invalid(Violations),
}

impl Referral {
    /// Corrects the masked fields of the patient at `now`; the patient as corrected is
    /// checked whole, as at intake, and nothing changes unless it passes.
    pub fn correct(
        &mut self,
        correction: PatientCorrection,
        now: DateTime<Utc>,
    ) -> Result<EventType, CorrectionError> {
        let current = &self.patient;
        if current.his_patient_id.is_empty() {
            return Err(CorrectionError::Erased);
        }
        let (mask, new) = (correction.mask, correction.values);
        let pick = |masked: bool, new: String, old: &String| if masked { new } else { old.clone() };
        let draft = PatientDraft {
            his_patient_id: current.his_patient_id.clone(),
            encounter_id: pick(mask.encounter_id, new.encounter_id, &current.encounter_id),
            name: pick(mask.name, new.name, &current.name),
            sex: if mask.sex { new.sex } else { current.sex },
            birth_date: if mask.birth_date {
                new.birth_date
            } else {
                current.birth_date.map(|d| {
                    use chrono::Datelike;
                    (d.year(), d.month() as i32, d.day() as i32)
                })
            },
            phone: pick(mask.phone, new.phone, &current.phone),
            ward: pick(mask.ward, new.ward, &current.ward),
            bed: pick(mask.bed, new.bed, &current.bed),
            clinical_summary: pick(
                mask.clinical_summary,
                new.clinical_summary,
                &current.clinical_summary,
            ),
        };
        let departure = current.departure.clone();
        let mut patient = patient_from(draft, now).map_err(CorrectionError::Invalid)?;
        patient.departure = departure;
        self.patient = patient;
        self.updated_at = now;
        Ok(EventType::Updated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_names_the_request_and_a_mask_only_patient_fields() {
        assert!(rights_reason("short").is_err());
        assert_eq!(
            rights_reason("  written request PR-17  ").unwrap(),
            "written request PR-17"
        );
        let mask = PatientMask::parse(&["name".into(), "phone".into()]).unwrap();
        assert!(mask.name && mask.phone && !mask.ward);
        assert!(
            PatientMask::parse(&["his_patient_id".into()])
                .unwrap_err()
                .names("update_mask")
        );
        assert!(PatientMask::parse(&[]).unwrap_err().names("update_mask"));
    }
}
