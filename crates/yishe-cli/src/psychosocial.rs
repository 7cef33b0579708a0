//! The psychosocial domains from a JSON file, with coded answers by their short names:
//!
//! ```json
//! { "caregiver_availability": "LIMITED", "insurance": "RESIDENT_BASIC",
//!   "financial_hardship": "SEVERE", "discharge_destination": "UNDETERMINED",
//!   "illness_understanding": "PARTIAL", "emotional_state": "tearful",
//!   "problems": [{ "category": "FINANCIAL", "severity": "SEVERE",
//!                  "description": "cannot pay the deposit" }] }
//! ```
//!
//! Free-text fields: family_notes, economic_notes, housing_notes, emotional_state,
//! social_support, illness_notes, cultural_spiritual. The server validates the rest.

use std::path::Path;

use serde_json::{Map, Value};
use yishe_proto::assessment::*;

use crate::enums::parse;
use crate::failure::Failure;

fn text(map: &Map<String, Value>, key: &str) -> Result<String, Failure> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Failure::local(format!("psychosocial {key}: must be text"))),
    }
}

/// A coded field: absent or empty is "not recorded".
fn code<E: Into<i32> + TryFrom<i32>>(
    map: &Map<String, Value>,
    key: &str,
    prefix: &str,
    from_name: fn(&str) -> Option<E>,
    to_name: fn(&E) -> &'static str,
) -> Result<i32, Failure> {
    let name = text(map, key)?;
    if name.is_empty() {
        return Ok(0);
    }
    Ok(parse(
        prefix,
        &name,
        from_name,
        to_name,
        &format!("psychosocial {key}"),
    )?
    .into())
}

const FIELDS: [&str; 13] = [
    "caregiver_availability",
    "family_notes",
    "insurance",
    "financial_hardship",
    "economic_notes",
    "discharge_destination",
    "housing_notes",
    "emotional_state",
    "social_support",
    "illness_understanding",
    "illness_notes",
    "cultural_spiritual",
    "problems",
];

pub(crate) fn from_value(value: &Value) -> Result<PsychosocialAssessment, Failure> {
    let map = value
        .as_object()
        .ok_or_else(|| Failure::local("the psychosocial file must hold a JSON object"))?;
    if let Some(unknown) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Failure::local(format!(
            "psychosocial: unknown field {unknown:?}; the fields are {}",
            FIELDS.join(", ")
        )));
    }
    let mut problems = Vec::new();
    for (i, p) in map
        .get("problems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = p.as_object().ok_or_else(|| {
            Failure::local(format!("psychosocial problems[{i}]: must be an object"))
        })?;
        problems.push(IdentifiedProblem {
            category: code(
                p,
                "category",
                "PROBLEM_CATEGORY_",
                ProblemCategory::from_str_name,
                ProblemCategory::as_str_name,
            )?,
            severity: code(
                p,
                "severity",
                "SEVERITY_",
                Severity::from_str_name,
                Severity::as_str_name,
            )?,
            description: text(p, "description")?,
            problem_id: text(p, "problem_id")?,
        });
    }
    Ok(PsychosocialAssessment {
        caregiver_availability: code(
            map,
            "caregiver_availability",
            "CAREGIVER_AVAILABILITY_",
            CaregiverAvailability::from_str_name,
            CaregiverAvailability::as_str_name,
        )?,
        family_notes: text(map, "family_notes")?,
        insurance: code(
            map,
            "insurance",
            "INSURANCE_SCHEME_",
            InsuranceScheme::from_str_name,
            InsuranceScheme::as_str_name,
        )?,
        financial_hardship: code(
            map,
            "financial_hardship",
            "FINANCIAL_HARDSHIP_",
            FinancialHardship::from_str_name,
            FinancialHardship::as_str_name,
        )?,
        economic_notes: text(map, "economic_notes")?,
        discharge_destination: code(
            map,
            "discharge_destination",
            "DISCHARGE_DESTINATION_",
            DischargeDestination::from_str_name,
            DischargeDestination::as_str_name,
        )?,
        housing_notes: text(map, "housing_notes")?,
        emotional_state: text(map, "emotional_state")?,
        social_support: text(map, "social_support")?,
        illness_understanding: code(
            map,
            "illness_understanding",
            "ILLNESS_UNDERSTANDING_",
            IllnessUnderstanding::from_str_name,
            IllnessUnderstanding::as_str_name,
        )?,
        illness_notes: text(map, "illness_notes")?,
        cultural_spiritual: text(map, "cultural_spiritual")?,
        problems,
    })
}

pub(crate) fn read(path: &Path) -> Result<PsychosocialAssessment, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::local(format!("cannot read {}: {e}", path.display())))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::local(format!("{}: not JSON: {e}", path.display())))?;
    from_value(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_by_short_name_and_unknown_fields_refused() {
        let p = from_value(&serde_json::json!({
            "insurance": "resident_basic",
            "problems": [{ "category": "FINANCIAL", "severity": "SEVERE", "description": "deposit" }],
            "emotional_state": "tearful"
        }))
        .unwrap();
        assert_eq!(p.insurance, InsuranceScheme::ResidentBasic as i32);
        assert_eq!(p.problems[0].severity, Severity::Severe as i32);
        assert_eq!(p.caregiver_availability, 0);
        assert!(from_value(&serde_json::json!({ "insurnce": "X" })).is_err());
        assert!(from_value(&serde_json::json!({ "insurance": "GOLD" })).is_err());
    }
}
