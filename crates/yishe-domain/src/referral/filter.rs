//! The `filter` of ListReferrals: `field=value` terms (and `update_time>` or
//! `create_time>` a time, for polling) joined by ` AND `.

use chrono::{DateTime, Utc};

use crate::ids::{DepartmentId, SocialWorkerId};
use crate::priority::Priority;
use crate::referral::Status;
use crate::validation::Violations;

/// The longest filter read, in bytes: five terms with a patient id fit in a quarter of it.
pub(crate) const MAX_FILTER_LEN: usize = 1024;
/// The fields a filter can name, each at most once.
const FIELDS: usize = 9;

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
    /// Exact match on the HIS order number.
    pub placer_order_id: Option<String>,
    /// Changed after this time (`update_time>`).
    pub updated_after: Option<DateTime<Utc>>,
    /// Created after this time (`create_time>`).
    pub created_after: Option<DateTime<Utc>>,
    /// The closure's state (`closure_state=PENDING_APPROVAL`: the supervisors' queue).
    pub closure_state: Option<crate::referral::ClosureState>,
}

impl ListFilter {
    pub fn parse(text: &str) -> Result<Self, Violations> {
        let mut filter = ListFilter::default();
        let text = text.trim();
        if text.is_empty() {
            return Ok(filter);
        }
        let mut v = Violations::new();
        // Refused whole before it is read: a filter of thousands of terms must cost
        // one answer, not one violation each.
        if text.len() > MAX_FILTER_LEN {
            v.add("filter", format!("is longer than {MAX_FILTER_LEN} bytes"));
            return v.into_result(filter);
        }
        let terms: Vec<&str> = text.split(" AND ").collect();
        if terms.len() > FIELDS {
            v.add(
                "filter",
                format!("has {} terms; at most {FIELDS}, one per field", terms.len()),
            );
            return v.into_result(filter);
        }
        let mut named = Vec::with_capacity(FIELDS);
        for term in terms {
            // The first operator decides: a value may itself hold '=' or '>'.
            let comparison = term
                .find(['=', '>'])
                .is_some_and(|at| term[at..].starts_with('>'));
            if comparison && let Some((field, value)) = term.split_once('>') {
                let (field, value) = (field.trim(), value.trim());
                if named.contains(&field) {
                    v.add("filter", format!("names {field} twice"));
                    continue;
                }
                named.push(field);
                let Ok(at) = DateTime::parse_from_rfc3339(value).map(|t| t.to_utc()) else {
                    v.add(
                        "filter",
                        format!("{field} must be compared with an RFC 3339 time, such as 2026-12-01T08:00:00Z"),
                    );
                    continue;
                };
                match field {
                    "update_time" => filter.updated_after = Some(at),
                    "create_time" => filter.created_after = Some(at),
                    _ => v.add(
                        "filter",
                        format!(
                            "{field:?} cannot be compared with '>': use update_time or create_time"
                        ),
                    ),
                }
                continue;
            }
            let Some((field, value)) = term.split_once('=') else {
                v.add(
                    "filter",
                    format!("term {:?} must be field=value", term.trim()),
                );
                continue;
            };
            let (field, value) = (field.trim(), value.trim());
            if named.contains(&field) {
                v.add("filter", format!("names {field} twice"));
                continue;
            }
            named.push(field);
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
                "placer_order_id" if !value.is_empty() && value.chars().count() <= 64 => {
                    filter.placer_order_id = Some(value.to_owned());
                    true
                }
                "placer_order_id" => false,
                "closure_state" => crate::referral::ClosureState::parse(value)
                    .map(|c| filter.closure_state = Some(c))
                    .is_some(),
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
                        format!("unknown field {field:?}: use status, priority, department_id, assigned_worker_id, his_patient_id, placer_order_id or closure_state"),
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
        let queue = ListFilter::parse("closure_state=PENDING_APPROVAL").unwrap();
        assert_eq!(
            queue.closure_state,
            Some(crate::referral::ClosureState::PendingApproval)
        );
        assert_eq!(ListFilter::parse("  ").unwrap(), ListFilter::default());
    }

    #[test]
    fn parses_times_for_polling() {
        let f =
            ListFilter::parse("update_time>2026-12-01T08:00:00+08:00 AND status=ACCEPTED").unwrap();
        assert_eq!(
            f.updated_after.map(|t| t.to_rfc3339()),
            Some("2026-12-01T00:00:00+00:00".to_owned())
        );
        assert_eq!(f.status, Some(Status::Accepted));
        assert!(
            ListFilter::parse("create_time>yesterday")
                .unwrap_err()
                .names("filter")
        );
        assert!(
            ListFilter::parse("priority>ROUTINE")
                .unwrap_err()
                .names("filter")
        );
        assert!(
            ListFilter::parse(
                "update_time>2026-12-01T00:00:00Z AND update_time>2026-12-02T00:00:00Z"
            )
            .unwrap_err()
            .names("filter")
        );
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

    #[test]
    fn refuses_long_filters_with_one_violation() {
        let many = vec!["status=REQUESTED"; 170_000].join(" AND ");
        let refused = ListFilter::parse(&many).unwrap_err();
        assert_eq!(refused.iter().count(), 1, "one answer, not one per term");
        let ten = "status=REQUESTED AND priority=URGENT AND status=ACCEPTED AND \
                   priority=ROUTINE AND department_id= AND his_patient_id=1 AND placer_order_id=2 \
                   AND status=FAILED AND priority=EMERGENCY AND closure_state=RETURNED";
        assert_eq!(ListFilter::parse(ten).unwrap_err().iter().count(), 1);
        let twice = ListFilter::parse("status=REQUESTED AND status=ACCEPTED").unwrap_err();
        assert!(twice.iter().any(|v| v.description.contains("twice")));
    }
}
