//! The hospital departments that refer patients.

use chrono::{DateTime, Utc};

use crate::{DepartmentId, HospitalId, Violations};

/// A hospital department that refers patients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: crate::DepartmentId,
    pub hospital: crate::HospitalId,
    pub code: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The longest department name.
const MAX_NAME: usize = 100;
/// The longest department code.
const MAX_CODE: usize = 64;

/// A department as an administrator sends it.
#[derive(Debug, serde::Serialize, Clone, Default, PartialEq, Eq)]
pub struct DepartmentDraft {
    pub hospital_id: String,
    pub code: String,
    pub name: String,
}

impl DepartmentDraft {
    /// The department, or every offending field: a hospital id, the hospital's own code
    /// for it (letters, digits, `-`, `_`) and a name.
    pub fn validate(self, now: DateTime<Utc>) -> Result<Department, Violations> {
        let mut v = Violations::new();
        let hospital = HospitalId::parse(&self.hospital_id);
        if hospital.is_none() {
            v.add(
                "department.hospital_id",
                "is required: 1 to 64 letters, digits, '-', '_' or '.'",
            );
        }
        let code = v.required_text("department.code", &self.code, MAX_CODE);
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            v.add(
                "department.code",
                "may contain only letters, digits, '-' and '_'",
            );
        }
        let name = v.required_text("department.name", &self.name, MAX_NAME);
        match hospital {
            Some(hospital) if v.is_empty() => Ok(Department {
                id: DepartmentId::new(),
                hospital,
                code,
                name,
                created_at: now,
            }),
            _ => Err(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_needs_a_hospital_a_plain_code_and_a_name() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let draft = DepartmentDraft {
            hospital_id: "h1".into(),
            code: " onc ".into(),
            name: "Oncology 肿瘤科".into(),
        };
        let d = draft.clone().validate(now).unwrap();
        assert_eq!((d.hospital.as_str(), d.code.as_str()), ("h1", "onc"));
        let bad = DepartmentDraft {
            hospital_id: "has space".into(),
            code: "on c".into(),
            name: String::new(),
        }
        .validate(now)
        .unwrap_err();
        for field in [
            "department.hospital_id",
            "department.code",
            "department.name",
        ] {
            assert!(bad.names(field), "{field}");
        }
    }
}
