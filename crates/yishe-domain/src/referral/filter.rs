//! The `filter` of ListReferrals: `field=value` terms joined by ` AND `.

use crate::ids::{DepartmentId, SocialWorkerId};
use crate::priority::Priority;
use crate::referral::Status;
use crate::validation::Violations;

/// A parsed list filter; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub department: Option<DepartmentId>,
    /// `Some(None)`: only unassigned referrals.
    pub assigned_worker: Option<Option<SocialWorkerId>>,
    /// Exact match on the HIS patient id (looked up by keyed hash, never in clear).
    pub his_patient_id: Option<String>,
}

impl ListFilter {
    pub fn parse(text: &str) -> Result<Self, Violations> {
        let mut filter = ListFilter::default();
        let text = text.trim();
        if text.is_empty() {
            return Ok(filter);
        }
        let mut v = Violations::new();
        for term in text.split(" AND ") {
            let Some((field, value)) = term.split_once('=') else {
                v.add(
                    "filter",
                    format!("term {:?} must be field=value", term.trim()),
                );
                continue;
            };
            let (field, value) = (field.trim(), value.trim());
            let ok = match field {
                "status" => Status::parse(value)
                    .map(|s| filter.status = Some(s))
                    .is_some(),
                "priority" => Priority::parse(value)
                    .map(|p| filter.priority = Some(p))
                    .is_some(),
                "department_id" => DepartmentId::parse(value)
                    .map(|d| filter.department = Some(d))
                    .is_some(),
                "his_patient_id" if !value.is_empty() && value.len() <= 64 => {
                    filter.his_patient_id = Some(value.to_owned());
                    true
                }
                "his_patient_id" => false,
                "assigned_worker_id" if value.is_empty() => {
                    filter.assigned_worker = Some(None);
                    true
                }
                "assigned_worker_id" => SocialWorkerId::parse(value)
                    .map(|w| filter.assigned_worker = Some(Some(w)))
                    .is_some(),
                _ => {
                    v.add(
                        "filter",
                        format!("unknown field {field:?}: use status, priority, department_id, assigned_worker_id or his_patient_id"),
                    );
                    continue;
                }
            };
            if !ok {
                v.add("filter", format!("{field} has an invalid value"));
            }
        }
        v.into_result(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terms() {
        let f =
            ListFilter::parse("status=REQUESTED AND priority=EMERGENCY AND assigned_worker_id=")
                .unwrap();
        assert_eq!(f.status, Some(Status::Requested));
        assert_eq!(f.priority, Some(Priority::Emergency));
        assert_eq!(f.assigned_worker, Some(None));
        assert_eq!(ListFilter::parse("  ").unwrap(), ListFilter::default());
    }

    #[test]
    fn refuses_unknown_fields_and_values() {
        assert!(ListFilter::parse("colour=red").unwrap_err().names("filter"));
        assert!(
            ListFilter::parse("status=DONE")
                .unwrap_err()
                .names("filter")
        );
        assert!(ListFilter::parse("status").unwrap_err().names("filter"));
    }
}
