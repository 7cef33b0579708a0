//! Intake: a referral as received is checked field by field, and the consent rules of
//! the domain are applied, before anything is stored.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::ids::{DepartmentId, HospitalId, ReferralId, StationId};
use crate::priority::Priority;
use crate::referral::{Clinician, Consent, ConsentKind, Patient, ReferralReason, Sex};
use crate::validation::Violations;

/// Consent as received, before validation.
#[derive(Debug, Clone, Default)]
pub struct ConsentDraft {
    pub kind: Option<ConsentKind>,
    pub given_by: String,
    pub justification: String,
    pub recorded_by: String,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A referral as received from the wire: every field raw, enums already mapped
/// (`None` for an unset or unknown value).
#[derive(Debug, Clone, Default)]
pub struct ReferralDraft {
    pub request_id: String,
    pub placer_order_id: String,
    /// The declined referral this one sends again; empty for none.
    pub previous_referral_id: String,
    /// The department by the hospital's own code, when `department_id` is empty (the
    /// service resolves it before validation).
    pub department_code: String,
    pub hospital_id: String,
    pub department_id: String,
    pub clinician: Option<Clinician>,
    pub patient: Option<PatientDraft>,
    pub reasons: Vec<Option<ReferralReason>>,
    pub note: String,
    pub priority: Option<Priority>,
    pub consent: Option<ConsentDraft>,
    pub station_id: String,
}

/// The patient as received. `birth_date` is (year, month, day) when set.
#[derive(Clone, Default)]
pub struct PatientDraft {
    pub his_patient_id: String,
    pub encounter_id: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: Option<(i32, i32, i32)>,
    pub phone: String,
    pub ward: String,
    pub bed: String,
    pub clinical_summary: String,
}

impl std::fmt::Debug for PatientDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientDraft { <redacted> }")
    }
}

/// A valid referral, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewReferral {
    pub request_id: String,
    /// Left out of the serialized form when absent, so the fingerprints of referrals
    /// created before it existed still match their replays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placer_order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_referral: Option<ReferralId>,
    pub hospital: HospitalId,
    pub department: DepartmentId,
    pub clinician: Clinician,
    pub patient: Patient,
    pub reasons: Vec<ReferralReason>,
    pub note: String,
    pub priority: Priority,
    pub consent: Consent,
    /// `None`: the installation's default station.
    pub station: Option<StationId>,
}

const SHORT: usize = 64;
const NAME: usize = 100;
const LONG: usize = 2000;
/// Clocks disagree: a consent recorded "in the future" by up to this much is accepted.
const CLOCK_SKEW_SECONDS: i64 = 300;

impl ReferralDraft {
    /// Checks every field and the consent rules; on failure names every offending field.
    pub fn validate(self, now: DateTime<Utc>) -> Result<NewReferral, Violations> {
        let mut v = Violations::new();

        let request_id = v.required_text("request_id", &self.request_id, 128);
        let placer_order_id =
            v.optional_text("referral.placer_order_id", &self.placer_order_id, SHORT);
        let placer_order_id = (!placer_order_id.is_empty()).then_some(placer_order_id);
        let previous_referral = match self.previous_referral_id.trim() {
            "" => None,
            text => {
                let parsed = ReferralId::parse(text);
                if parsed.is_none() {
                    v.add(
                        "referral.previous_referral_id",
                        "must be a referral id (a UUID)",
                    );
                }
                parsed
            }
        };
        let hospital = parse_code(
            &mut v,
            "referral.hospital_id",
            &self.hospital_id,
            HospitalId::parse,
        );
        let department = if self.department_id.trim().is_empty() {
            v.add(
                "referral.department_id",
                "is required (or referral.department_code, the hospital's code)",
            );
            None
        } else {
            let parsed = DepartmentId::parse(&self.department_id);
            if parsed.is_none() {
                v.add("referral.department_id", "must be a department id (a UUID)");
            }
            parsed
        };
        let station = if self.station_id.trim().is_empty() {
            None
        } else {
            parse_code(
                &mut v,
                "referral.station_id",
                &self.station_id,
                StationId::parse,
            )
        };

        let clinician = match self.clinician {
            None => {
                v.add("referral.referring_clinician", "is required");
                None
            }
            Some(c) => Some(Clinician {
                name: v.required_text("referral.referring_clinician.name", &c.name, NAME),
                staff_id: v.optional_text(
                    "referral.referring_clinician.staff_id",
                    &c.staff_id,
                    SHORT,
                ),
                contact: v.optional_text("referral.referring_clinician.contact", &c.contact, NAME),
            }),
        };

        let patient = match self.patient {
            None => {
                v.add("referral.patient", "is required");
                None
            }
            Some(p) => Some(validate_patient(&mut v, p, now)),
        };

        let reasons = validate_reasons(&mut v, &self.reasons);
        let note = v.optional_text("referral.note", &self.note, LONG);
        if reasons.contains(&ReferralReason::Other) && note.is_empty() {
            v.add("referral.note", "is required when a reason is OTHER");
        }
        if self.priority.is_none() {
            v.add(
                "referral.priority",
                "is required: ROUTINE, URGENT or EMERGENCY",
            );
        }

        let consent = match self.consent {
            None => {
                v.add(
                    "referral.consent",
                    "is required: consent given, or an override with a justification",
                );
                None
            }
            Some(c) => validate_consent(&mut v, c, &reasons, self.priority, now),
        };

        match (
            hospital,
            department,
            clinician,
            patient,
            self.priority,
            consent,
        ) {
            (
                Some(hospital),
                Some(department),
                Some(clinician),
                Some(patient),
                Some(priority),
                Some(consent),
            ) if v.is_empty() => Ok(NewReferral {
                request_id,
                placer_order_id,
                previous_referral,
                hospital,
                department,
                clinician,
                patient,
                reasons,
                note,
                priority,
                consent,
                station,
            }),
            _ => Err(v),
        }
    }
}

fn parse_code<T>(
    v: &mut Violations,
    field: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    if text.trim().is_empty() {
        v.add(field, "is required");
        return None;
    }
    let parsed = parse(text);
    if parsed.is_none() {
        v.add(field, "must be 1 to 64 letters, digits, '-', '_' or '.'");
    }
    parsed
}

/// A patient checked alone, as a correction sends it: the fields named without the
/// `referral.` of a whole referral (`patient.name`).
pub(crate) fn patient_from(p: PatientDraft, now: DateTime<Utc>) -> Result<Patient, Violations> {
    let mut v = Violations::new();
    let patient = validate_patient(&mut v, p, now);
    if v.is_empty() {
        return Ok(patient);
    }
    let mut renamed = Violations::new();
    for x in v.iter() {
        renamed.add(
            x.field.strip_prefix("referral.").unwrap_or(&x.field),
            &x.description,
        );
    }
    Err(renamed)
}

fn validate_patient(v: &mut Violations, p: PatientDraft, now: DateTime<Utc>) -> Patient {
    let birth_date = p.birth_date.and_then(|(year, month, day)| {
        let date = u32::try_from(month)
            .ok()
            .zip(u32::try_from(day).ok())
            .and_then(|(m, d)| NaiveDate::from_ymd_opt(year, m, d));
        match date {
            None => {
                v.add(
                    "referral.patient.birth_date",
                    "must be a valid calendar date",
                );
                None
            }
            Some(d) if d.year() < 1900 || d > now.date_naive() => {
                v.add(
                    "referral.patient.birth_date",
                    "must be between 1900 and today",
                );
                None
            }
            Some(d) => Some(d),
        }
    });
    let phone = v.optional_text("referral.patient.phone", &p.phone, 32);
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-'))
    {
        v.add(
            "referral.patient.phone",
            "may contain only digits, spaces, '+' and '-'",
        );
    }
    Patient {
        his_patient_id: v.required_text(
            "referral.patient.his_patient_id",
            &p.his_patient_id,
            SHORT,
        ),
        encounter_id: v.required_text("referral.patient.encounter_id", &p.encounter_id, SHORT),
        name: v.required_text("referral.patient.name", &p.name, NAME),
        sex: p.sex,
        birth_date,
        phone,
        ward: v.optional_text("referral.patient.ward", &p.ward, SHORT),
        bed: v.optional_text("referral.patient.bed", &p.bed, 32),
        clinical_summary: v.optional_text(
            "referral.patient.clinical_summary",
            &p.clinical_summary,
            LONG,
        ),
        departure: None,
    }
}

fn validate_reasons(v: &mut Violations, raw: &[Option<ReferralReason>]) -> Vec<ReferralReason> {
    if raw.is_empty() {
        v.add("referral.reasons", "needs at least one reason");
    }
    let mut reasons = Vec::with_capacity(raw.len());
    for (i, reason) in raw.iter().enumerate() {
        match reason {
            None => v.add(format!("referral.reasons[{i}]"), "must be a known reason"),
            Some(r) if reasons.contains(r) => v.add(
                format!("referral.reasons[{i}]"),
                "repeats an earlier reason",
            ),
            Some(r) => reasons.push(*r),
        }
    }
    reasons
}

fn validate_consent(
    v: &mut Violations,
    c: ConsentDraft,
    reasons: &[ReferralReason],
    priority: Option<Priority>,
    now: DateTime<Utc>,
) -> Option<Consent> {
    let recorded_by = v.required_text("referral.consent.recorded_by", &c.recorded_by, NAME);
    let given_by = v.optional_text("referral.consent.given_by", &c.given_by, NAME);
    let justification = v.optional_text("referral.consent.justification", &c.justification, LONG);
    match c.recorded_at {
        None => v.add("referral.consent.recorded_time", "is required"),
        Some(at) if at > now + chrono::Duration::seconds(CLOCK_SKEW_SECONDS) => v.add(
            "referral.consent.recorded_time",
            "must not be in the future",
        ),
        Some(_) => {}
    }
    match c.kind {
        None => v.add("referral.consent.kind", "is required: GIVEN or OVERRIDDEN"),
        Some(ConsentKind::Given) if given_by.is_empty() => v.add(
            "referral.consent.given_by",
            "is required when consent is GIVEN",
        ),
        Some(ConsentKind::Overridden) => {
            if justification.is_empty() {
                v.add(
                    "referral.consent.justification",
                    "is required when consent is OVERRIDDEN",
                );
            }
            let allowed = priority == Some(Priority::Emergency)
                || reasons.iter().any(|r| r.allows_consent_override());
            if !allowed {
                v.add(
                    "referral.consent.kind",
                    "OVERRIDDEN is allowed only for CHILD_PROTECTION, ABUSE_OR_NEGLECT or an EMERGENCY priority",
                );
            }
        }
        Some(ConsentKind::Given) => {}
    }
    Some(Consent {
        kind: c.kind?,
        given_by,
        justification,
        recorded_by,
        recorded_at: crate::clock::to_micros(c.recorded_at?),
        withdrawal: None,
        reconfirmation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap()
    }

    fn draft() -> ReferralDraft {
        ReferralDraft {
            request_id: "his-msg-1".into(),
            placer_order_id: String::new(),
            previous_referral_id: String::new(),
            department_code: String::new(),
            hospital_id: "h1".into(),
            department_id: DepartmentId::new().to_string(),
            clinician: Some(Clinician {
                name: "Dr Li".into(),
                staff_id: "D01".into(),
                contact: "8001".into(),
            }),
            patient: Some(PatientDraft {
                his_patient_id: "MRN1".into(),
                encounter_id: "ZY1".into(),
                name: "张三".into(),
                sex: Sex::Male,
                birth_date: Some((1950, 2, 28)),
                phone: "+86 138-0000-0000".into(),
                ward: "5A".into(),
                bed: "12".into(),
                clinical_summary: "stage IV".into(),
            }),
            reasons: vec![Some(ReferralReason::FinancialHardship)],
            note: String::new(),
            priority: Some(Priority::Routine),
            consent: Some(ConsentDraft {
                kind: Some(ConsentKind::Given),
                given_by: "patient".into(),
                justification: String::new(),
                recorded_by: "Dr Li".into(),
                recorded_at: Some(now() - chrono::Duration::hours(1)),
            }),
            station_id: String::new(),
        }
    }

    #[test]
    fn a_complete_referral_is_valid() {
        let r = draft().validate(now()).unwrap();
        assert_eq!(r.priority, Priority::Routine);
        assert_eq!(r.station, None);
        assert_eq!(r.patient.birth_date, NaiveDate::from_ymd_opt(1950, 2, 28));
    }

    #[test]
    fn every_missing_field_is_named_at_once() {
        let err = ReferralDraft::default().validate(now()).unwrap_err();
        for field in [
            "request_id",
            "referral.hospital_id",
            "referral.department_id",
            "referral.referring_clinician",
            "referral.patient",
            "referral.reasons",
            "referral.priority",
            "referral.consent",
        ] {
            assert!(err.names(field), "{field} not named in {err}");
        }
    }

    #[test]
    fn bad_patient_fields_are_named() {
        let mut d = draft();
        let p = d.patient.as_mut().unwrap();
        p.name = " ".into();
        p.birth_date = Some((2026, 2, 30));
        p.phone = "call me".into();
        let err = d.validate(now()).unwrap_err();
        assert!(err.names("referral.patient.name"));
        assert!(err.names("referral.patient.birth_date"));
        assert!(err.names("referral.patient.phone"));
    }

    #[test]
    fn a_birth_date_in_the_future_is_refused() {
        let mut d = draft();
        d.patient.as_mut().unwrap().birth_date = Some((2027, 1, 1));
        assert!(
            d.validate(now())
                .unwrap_err()
                .names("referral.patient.birth_date")
        );
    }

    #[test]
    fn unknown_and_repeated_reasons_are_named_by_position() {
        let mut d = draft();
        d.reasons = vec![
            Some(ReferralReason::Other),
            None,
            Some(ReferralReason::Other),
        ];
        let err = d.validate(now()).unwrap_err();
        assert!(err.names("referral.reasons[1]"));
        assert!(err.names("referral.reasons[2]"));
        assert!(err.names("referral.note"), "OTHER needs a note");
    }

    #[test]
    fn consent_override_needs_a_protection_reason_or_an_emergency() {
        let mut d = draft();
        let c = d.consent.as_mut().unwrap();
        c.kind = Some(ConsentKind::Overridden);
        c.justification = "patient unconscious, no family reachable".into();
        assert!(
            d.clone()
                .validate(now())
                .unwrap_err()
                .names("referral.consent.kind")
        );

        d.priority = Some(Priority::Emergency);
        assert!(d.clone().validate(now()).is_ok());

        d.priority = Some(Priority::Routine);
        d.reasons.push(Some(ReferralReason::ChildProtection));
        assert!(d.validate(now()).is_ok());
    }

    #[test]
    fn consent_override_needs_a_justification_and_given_needs_a_giver() {
        let mut d = draft();
        d.priority = Some(Priority::Emergency);
        let c = d.consent.as_mut().unwrap();
        c.kind = Some(ConsentKind::Overridden);
        assert!(
            d.clone()
                .validate(now())
                .unwrap_err()
                .names("referral.consent.justification")
        );

        let mut d = draft();
        d.consent.as_mut().unwrap().given_by.clear();
        assert!(
            d.validate(now())
                .unwrap_err()
                .names("referral.consent.given_by")
        );
    }

    #[test]
    fn consent_recorded_in_the_future_is_refused() {
        let mut d = draft();
        d.consent.as_mut().unwrap().recorded_at = Some(now() + chrono::Duration::hours(1));
        assert!(
            d.validate(now())
                .unwrap_err()
                .names("referral.consent.recorded_time")
        );
    }

    #[test]
    fn malformed_ids_are_named() {
        let mut d = draft();
        d.hospital_id = "no spaces allowed".into();
        d.department_id = "oncology".into();
        d.station_id = "bad station".into();
        let err = d.validate(now()).unwrap_err();
        assert!(err.names("referral.hospital_id"));
        assert!(err.names("referral.department_id"));
        assert!(err.names("referral.station_id"));
    }

    #[test]
    fn violations_never_echo_patient_values() {
        let mut d = draft();
        d.patient.as_mut().unwrap().name = "王".repeat(101);
        let err = d.validate(now()).unwrap_err();
        assert!(!err.to_string().contains('王'));
    }
}
