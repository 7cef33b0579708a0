//! The structured psychosocial assessment a medical social worker records beside the
//! instruments: family and caregivers, economic situation and insurance (医保), housing
//! and discharge destination, emotional state, social support, understanding of the
//! illness, cultural and spiritual needs, and the problems identified with their
//! severity. Coded answers where the station reports on them, free text elsewhere.
//! All of it is sensitive: the store seals it like the other clinical fields.

use serde::{Deserialize, Serialize};

use crate::Violations;
use crate::named::Named;
use crate::named::named_enum;

/// The longest free text of one domain.
pub const MAX_DOMAIN_TEXT: usize = 2000;
/// The longest description of one identified problem.
pub const MAX_PROBLEM_TEXT: usize = 500;
/// The most problems one assessment lists.
pub const MAX_PROBLEMS: usize = 30;

named_enum!(
    /// Whether someone can look after the patient.
    CaregiverAvailability {
        Available => "AVAILABLE",
        Limited => "LIMITED",
        None => "NONE",
        Unknown => "UNKNOWN",
    }
);

named_enum!(
    /// The patient's medical insurance scheme (医保).
    InsuranceScheme {
        /// 城镇职工基本医疗保险.
        EmployeeBasic => "EMPLOYEE_BASIC",
        /// 城乡居民基本医疗保险.
        ResidentBasic => "RESIDENT_BASIC",
        /// 医疗救助.
        MedicalAssistance => "MEDICAL_ASSISTANCE",
        Commercial => "COMMERCIAL",
        SelfPay => "SELF_PAY",
        Other => "OTHER",
        Unknown => "UNKNOWN",
    }
);

named_enum!(
    /// How hard the cost of care presses on the family.
    FinancialHardship {
        None => "NONE",
        Moderate => "MODERATE",
        Severe => "SEVERE",
        Unknown => "UNKNOWN",
    }
);

named_enum!(
    /// Where the patient is expected to go on discharge.
    DischargeDestination {
        Home => "HOME",
        HomeWithSupport => "HOME_WITH_SUPPORT",
        Relatives => "RELATIVES",
        CareFacility => "CARE_FACILITY",
        Rehabilitation => "REHABILITATION",
        Hospice => "HOSPICE",
        OtherHospital => "OTHER_HOSPITAL",
        NoStableHousing => "NO_STABLE_HOUSING",
        Undetermined => "UNDETERMINED",
    }
);

named_enum!(
    /// How well the patient and family understand the illness.
    IllnessUnderstanding {
        Good => "GOOD",
        Partial => "PARTIAL",
        Poor => "POOR",
        Unknown => "UNKNOWN",
    }
);

named_enum!(
    /// The kind of a problem the social worker identified.
    ProblemCategory {
        Financial => "FINANCIAL",
        Caregiving => "CAREGIVING",
        HousingOrDischarge => "HOUSING_OR_DISCHARGE",
        Emotional => "EMOTIONAL",
        FamilyConflict => "FAMILY_CONFLICT",
        SocialIsolation => "SOCIAL_ISOLATION",
        IllnessAdjustment => "ILLNESS_ADJUSTMENT",
        EndOfLife => "END_OF_LIFE",
        ChildCare => "CHILD_CARE",
        SafetyOrAbuse => "SAFETY_OR_ABUSE",
        Spiritual => "SPIRITUAL",
        Other => "OTHER",
    }
);

named_enum!(
    /// How severe a problem is.
    Severity {
        Mild => "MILD",
        Moderate => "MODERATE",
        Severe => "SEVERE",
    }
);

/// The psychosocial assessment as it arrives: coded answers as their names, an empty
/// name meaning "not recorded".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PsychosocialDraft {
    pub caregiver_availability: String,
    pub family_notes: String,
    pub insurance: String,
    pub financial_hardship: String,
    pub economic_notes: String,
    pub discharge_destination: String,
    pub housing_notes: String,
    pub emotional_state: String,
    pub social_support: String,
    pub illness_understanding: String,
    pub illness_notes: String,
    pub cultural_spiritual: String,
    pub problems: Vec<ProblemDraft>,
}

/// One identified problem as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProblemDraft {
    pub category: String,
    pub severity: String,
    pub description: String,
    /// The id an amendment keeps; empty for a new problem.
    pub id: String,
}

/// The validated psychosocial assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Psychosocial {
    pub caregiver_availability: Option<CaregiverAvailability>,
    pub family_notes: String,
    pub insurance: Option<InsuranceScheme>,
    pub financial_hardship: Option<FinancialHardship>,
    pub economic_notes: String,
    pub discharge_destination: Option<DischargeDestination>,
    pub housing_notes: String,
    pub emotional_state: String,
    pub social_support: String,
    pub illness_understanding: Option<IllnessUnderstanding>,
    pub illness_notes: String,
    pub cultural_spiritual: String,
    pub problems: Vec<Problem>,
}

/// One identified problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub category: ProblemCategory,
    pub severity: Severity,
    pub description: String,
    /// Stable across amendments, so plan goals can name the problem they address
    /// (empty on problems recorded before problems had ids).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
}

/// An optional coded answer: empty is "not recorded", anything else must be a name.
fn coded<T: Named>(v: &mut Violations, field: String, text: &str) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    let parsed = T::parse(text);
    if parsed.is_none() {
        let names: Vec<&str> = T::all().iter().map(|x| x.as_str()).collect();
        v.add(field, format!("must be one of {}", names.join(", ")));
    }
    parsed
}

impl PsychosocialDraft {
    /// Checks every domain, naming offending fields under `prefix` (such as
    /// `psychosocial`).
    pub fn validate(self, v: &mut Violations, prefix: &str) -> Psychosocial {
        let text = |v: &mut Violations, field: &str, value: &str| {
            v.optional_text(&format!("{prefix}.{field}"), value, MAX_DOMAIN_TEXT)
        };
        let mut problems = Vec::new();
        if self.problems.len() > MAX_PROBLEMS {
            v.add(
                format!("{prefix}.problems"),
                format!("lists at most {MAX_PROBLEMS} problems"),
            );
        }
        for (i, p) in self.problems.iter().enumerate() {
            let at = format!("{prefix}.problems[{i}]");
            let category = coded(v, format!("{at}.category"), &p.category);
            let severity = coded(v, format!("{at}.severity"), &p.severity);
            if p.category.is_empty() {
                v.add(format!("{at}.category"), "is required");
            }
            if p.severity.is_empty() {
                v.add(format!("{at}.severity"), "is required");
            }
            let description = v.optional_text(
                &format!("{at}.description"),
                &p.description,
                MAX_PROBLEM_TEXT,
            );
            if category == Some(ProblemCategory::Other) && description.is_empty() {
                v.add(
                    format!("{at}.description"),
                    "is required when the category is OTHER",
                );
            }
            let id = if p.id.trim().is_empty() {
                uuid::Uuid::now_v7().to_string()
            } else {
                match uuid::Uuid::try_parse(p.id.trim()) {
                    Ok(id) => id.to_string(),
                    Err(_) => {
                        v.add(format!("{at}.problem_id"), "must be a problem id (a UUID)");
                        String::new()
                    }
                }
            };
            if problems
                .iter()
                .any(|q: &Problem| !id.is_empty() && q.id == id)
            {
                v.add(format!("{at}.problem_id"), "names a problem listed twice");
            }
            if let (Some(category), Some(severity)) = (category, severity) {
                problems.push(Problem {
                    category,
                    severity,
                    description,
                    id,
                });
            }
        }
        let recorded = Psychosocial {
            caregiver_availability: coded(
                v,
                format!("{prefix}.caregiver_availability"),
                &self.caregiver_availability,
            ),
            family_notes: text(v, "family_notes", &self.family_notes),
            insurance: coded(v, format!("{prefix}.insurance"), &self.insurance),
            financial_hardship: coded(
                v,
                format!("{prefix}.financial_hardship"),
                &self.financial_hardship,
            ),
            economic_notes: text(v, "economic_notes", &self.economic_notes),
            discharge_destination: coded(
                v,
                format!("{prefix}.discharge_destination"),
                &self.discharge_destination,
            ),
            housing_notes: text(v, "housing_notes", &self.housing_notes),
            emotional_state: text(v, "emotional_state", &self.emotional_state),
            social_support: text(v, "social_support", &self.social_support),
            illness_understanding: coded(
                v,
                format!("{prefix}.illness_understanding"),
                &self.illness_understanding,
            ),
            illness_notes: text(v, "illness_notes", &self.illness_notes),
            cultural_spiritual: text(v, "cultural_spiritual", &self.cultural_spiritual),
            problems,
        };
        if recorded == Psychosocial::default() && self.problems.is_empty() && v.is_empty() {
            v.add(
                prefix,
                "records nothing: leave it out, or record at least one domain",
            );
        }
        recorded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> PsychosocialDraft {
        PsychosocialDraft {
            caregiver_availability: "LIMITED".into(),
            insurance: "RESIDENT_BASIC".into(),
            financial_hardship: "SEVERE".into(),
            discharge_destination: "UNDETERMINED".into(),
            emotional_state: "  tearful, worried about the children  ".into(),
            problems: vec![ProblemDraft {
                category: "FINANCIAL".into(),
                severity: "SEVERE".into(),
                description: "cannot pay the deposit".into(),
                id: String::new(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_draft_is_recorded_with_its_codes() {
        let mut v = Violations::new();
        let p = draft().validate(&mut v, "psychosocial");
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(p.insurance, Some(InsuranceScheme::ResidentBasic));
        assert_eq!(p.financial_hardship, Some(FinancialHardship::Severe));
        assert_eq!(p.emotional_state, "tearful, worried about the children");
        assert_eq!(p.problems[0].severity, Severity::Severe);
        assert!(
            uuid::Uuid::try_parse(&p.problems[0].id).is_ok(),
            "a new problem gets an id"
        );
        assert_eq!(p.illness_understanding, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = draft();
        bad.insurance = "GOLD_PLAN".into();
        bad.social_support = "x".repeat(MAX_DOMAIN_TEXT + 1);
        bad.problems.push(ProblemDraft {
            category: "OTHER".into(),
            severity: String::new(),
            description: String::new(),
            id: "not-a-uuid".into(),
        });
        let mut v = Violations::new();
        bad.validate(&mut v, "psychosocial");
        for field in [
            "psychosocial.insurance",
            "psychosocial.social_support",
            "psychosocial.problems[1].severity",
            "psychosocial.problems[1].description",
            "psychosocial.problems[1].problem_id",
        ] {
            assert!(v.names(field), "{field} not named in {v:?}");
        }
        assert!(!v.names("psychosocial.problems[0].category"));
    }

    #[test]
    fn an_empty_part_is_refused() {
        let mut v = Violations::new();
        PsychosocialDraft::default().validate(&mut v, "psychosocial");
        assert!(v.names("psychosocial"));
    }
}
