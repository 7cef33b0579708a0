//! The credentials callers authenticate with: whom each acts for, and what an
//! administrator may send to create one.

use chrono::{DateTime, Utc};

use crate::ids::ApiKeyId;
use crate::{
    Caller, DepartmentId, HospitalId, Role, SocialWorkerId, StationId, Violations, VolunteerId,
};

/// An API key as stored: its scope and the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub display_name: String,
    pub role: Role,
    pub hospital: Option<HospitalId>,
    pub departments: Vec<DepartmentId>,
    pub station: Option<StationId>,
    pub worker: Option<SocialWorkerId>,
    /// For volunteers: the volunteer the key belongs to.
    pub volunteer: Option<VolunteerId>,
    /// For HIS integrations over mutual TLS: the client certificate's subject common
    /// name or alternative name that identifies this integration.
    pub certificate_subject: Option<String>,
    /// Limited to methods that only read.
    pub read_only: bool,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// The caller this key authenticates.
    pub fn caller(&self) -> Caller {
        Caller {
            subject: self.id.to_string(),
            role: self.role,
            hospital: self.hospital.clone(),
            departments: self.departments.clone(),
            station: self.station.clone(),
            worker: self.worker,
            volunteer: self.volunteer,
            read_only: self.read_only,
        }
    }
}

/// The longest display name.
const MAX_NAME: usize = 100;
/// The longest certificate subject.
const MAX_SUBJECT: usize = 255;

/// An API key as an administrator sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct KeyDraft {
    pub display_name: String,
    pub role: Option<Role>,
    pub hospital_id: String,
    pub department_ids: Vec<String>,
    pub social_worker_id: String,
    pub certificate_subject: String,
    pub read_only: bool,
    pub volunteer_id: String,
}

/// What the records a draft names turned out to be, looked up by the service: each
/// department found (with its hospital) and the worker found (with their station).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyReferences {
    pub departments: Vec<(DepartmentId, HospitalId)>,
    pub worker: Option<(SocialWorkerId, StationId)>,
    pub volunteer: Option<(VolunteerId, StationId)>,
}

impl KeyDraft {
    /// The department ids the draft names that parse, for the service to look up.
    pub fn department_ids(&self) -> impl Iterator<Item = DepartmentId> + '_ {
        self.department_ids
            .iter()
            .filter_map(|d| DepartmentId::parse(d))
    }

    /// The worker id the draft names, if it parses, for the service to look up.
    pub fn worker_id(&self) -> Option<SocialWorkerId> {
        SocialWorkerId::parse(self.social_worker_id.trim())
    }

    /// The volunteer id the draft names, if it parses, for the service to look up.
    pub fn volunteer_id(&self) -> Option<VolunteerId> {
        VolunteerId::parse(self.volunteer_id.trim())
    }

    /// A key for `station` (or, for an HIS integration, for its hospital's departments),
    /// its secret not yet made; or every offending field. `known` holds the records the
    /// draft names that exist.
    pub fn validate(
        self,
        station: &StationId,
        known: &KeyReferences,
        now: DateTime<Utc>,
    ) -> Result<ApiKey, Violations> {
        let mut v = Violations::new();
        let display_name = v.required_text("api_key.display_name", &self.display_name, MAX_NAME);
        let Some(role) = self.role else {
            v.add("api_key.role", "is required");
            return Err(v);
        };
        let mut key = ApiKey {
            id: ApiKeyId::new(),
            display_name,
            role,
            hospital: None,
            departments: Vec::new(),
            station: None,
            worker: None,
            volunteer: None,
            certificate_subject: None,
            read_only: self.read_only,
            secret_hash: String::new(),
            created_at: now,
            revoked_at: None,
        };
        if role == Role::HisIntegration {
            self.scope_to_departments(&mut key, known, &mut v);
        } else {
            if !self.hospital_id.trim().is_empty() || !self.department_ids.is_empty() {
                v.add("api_key.hospital_id", "is only for HIS integrations");
            }
            key.station = Some(station.clone());
        }
        let subject = v.optional_text(
            "api_key.certificate_subject",
            &self.certificate_subject,
            MAX_SUBJECT,
        );
        match (subject.is_empty(), role) {
            (true, _) => {}
            (false, Role::HisIntegration) => key.certificate_subject = Some(subject),
            (false, _) => v.add(
                "api_key.certificate_subject",
                "is only for HIS integrations",
            ),
        }
        key.worker = self.worker(role, station, known, &mut v);
        key.volunteer = self.volunteer(role, station, known, &mut v);
        v.into_result(key)
    }

    /// A volunteer's key names its volunteer; no other may.
    fn volunteer(
        &self,
        role: Role,
        station: &StationId,
        known: &KeyReferences,
        v: &mut Violations,
    ) -> Option<VolunteerId> {
        const FIELD: &str = "api_key.volunteer_id";
        if self.volunteer_id.trim().is_empty() {
            if role == Role::Volunteer {
                v.add(FIELD, "is required for a volunteer's key");
            }
            return None;
        }
        if role != Role::Volunteer {
            v.add(FIELD, "is only for volunteer keys");
            return None;
        }
        match (&known.volunteer, self.volunteer_id()) {
            (Some((volunteer, of)), Some(id)) if *volunteer == id && of == station => Some(id),
            _ => {
                v.add(FIELD, "is not a volunteer of this station");
                None
            }
        }
    }

    /// An HIS integration acts for registered departments of one hospital.
    fn scope_to_departments(&self, key: &mut ApiKey, known: &KeyReferences, v: &mut Violations) {
        key.hospital = HospitalId::parse(&self.hospital_id);
        if key.hospital.is_none() {
            v.add("api_key.hospital_id", "is required for an HIS integration");
        }
        if self.department_ids.is_empty() {
            v.add(
                "api_key.department_ids",
                "needs at least one department for an HIS integration",
            );
        }
        for (i, text) in self.department_ids.iter().enumerate() {
            let field = format!("api_key.department_ids[{i}]");
            let Some(id) = DepartmentId::parse(text) else {
                v.add(field, "must be a department id (a UUID)");
                continue;
            };
            let registered = known
                .departments
                .iter()
                .any(|(d, hospital)| *d == id && Some(hospital) == key.hospital.as_ref());
            if registered {
                key.departments.push(id);
            } else {
                v.add(field, "is not a registered department of that hospital");
            }
        }
    }

    /// A social worker's key names its worker; a supervisor's may; no other may.
    fn worker(
        &self,
        role: Role,
        station: &StationId,
        known: &KeyReferences,
        v: &mut Violations,
    ) -> Option<SocialWorkerId> {
        const FIELD: &str = "api_key.social_worker_id";
        if self.social_worker_id.trim().is_empty() {
            if role == Role::SocialWorker {
                v.add(FIELD, "is required for a social worker's key");
            }
            return None;
        }
        if !matches!(role, Role::SocialWorker | Role::Supervisor) {
            v.add(FIELD, "is only for social worker and supervisor keys");
            return None;
        }
        let Some(id) = self.worker_id() else {
            v.add(FIELD, "must be a social worker id (a UUID)");
            return None;
        };
        match &known.worker {
            Some((worker, of)) if *worker == id && of == station => Some(id),
            _ => {
                v.add(FIELD, "is not a social worker of this station");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn station() -> StationId {
        StationId::parse("s1").unwrap()
    }

    #[test]
    fn an_his_key_acts_for_registered_departments_of_its_hospital() {
        let onc = DepartmentId::new();
        let elsewhere = DepartmentId::new();
        let known = KeyReferences {
            departments: vec![
                (onc, HospitalId::parse("h1").unwrap()),
                (elsewhere, HospitalId::parse("h2").unwrap()),
            ],
            worker: None,
            volunteer: None,
        };
        let draft = KeyDraft {
            display_name: "oncology HIS".into(),
            role: Some(Role::HisIntegration),
            hospital_id: "h1".into(),
            department_ids: vec![onc.to_string(), elsewhere.to_string(), "x".into()],
            ..Default::default()
        };
        let bad = draft
            .clone()
            .validate(&station(), &known, now())
            .unwrap_err();
        assert!(bad.names("api_key.department_ids[1]") && bad.names("api_key.department_ids[2]"));
        assert!(!bad.names("api_key.department_ids[0]"));
        let good = KeyDraft {
            department_ids: vec![onc.to_string()],
            ..draft
        };
        let key = good.validate(&station(), &known, now()).unwrap();
        assert_eq!((key.departments, key.station), (vec![onc], None));
    }

    #[test]
    fn worker_keys_name_a_worker_of_the_station() {
        let worker = SocialWorkerId::new();
        let draft = KeyDraft {
            display_name: "Wang Fang".into(),
            role: Some(Role::SocialWorker),
            ..Default::default()
        };
        let missing = draft
            .clone()
            .validate(&station(), &KeyReferences::default(), now());
        assert!(missing.unwrap_err().names("api_key.social_worker_id"));
        let named = KeyDraft {
            social_worker_id: worker.to_string(),
            ..draft
        };
        let unknown = named
            .clone()
            .validate(&station(), &KeyReferences::default(), now());
        assert!(unknown.unwrap_err().names("api_key.social_worker_id"));
        let known = KeyReferences {
            departments: Vec::new(),
            worker: Some((worker, station())),
            volunteer: None,
        };
        let key = named.validate(&station(), &known, now()).unwrap();
        assert_eq!((key.worker, key.station), (Some(worker), Some(station())));
    }

    #[test]
    fn station_keys_carry_no_hospital_and_no_certificate() {
        let draft = KeyDraft {
            display_name: "auditor".into(),
            role: Some(Role::Auditor),
            hospital_id: "h1".into(),
            certificate_subject: "his.example".into(),
            social_worker_id: SocialWorkerId::new().to_string(),
            ..Default::default()
        };
        let bad = draft
            .validate(&station(), &KeyReferences::default(), now())
            .unwrap_err();
        for field in [
            "api_key.hospital_id",
            "api_key.certificate_subject",
            "api_key.social_worker_id",
        ] {
            assert!(bad.names(field), "{field}");
        }
        let no_role = KeyDraft::default().validate(&station(), &KeyReferences::default(), now());
        let no_role = no_role.unwrap_err();
        assert!(no_role.names("api_key.role") && no_role.names("api_key.display_name"));
    }

    #[test]
    fn a_volunteer_key_names_a_volunteer_of_the_station() {
        let volunteer = VolunteerId::new();
        let draft = KeyDraft {
            display_name: "李娜".into(),
            role: Some(Role::Volunteer),
            ..Default::default()
        };
        let missing = draft
            .clone()
            .validate(&station(), &KeyReferences::default(), now());
        assert!(missing.unwrap_err().names("api_key.volunteer_id"));
        let named = KeyDraft {
            volunteer_id: volunteer.to_string(),
            ..draft
        };
        let elsewhere = KeyReferences {
            volunteer: Some((volunteer, StationId::parse("s2").unwrap())),
            ..Default::default()
        };
        let refused = named.clone().validate(&station(), &elsewhere, now());
        assert!(refused.unwrap_err().names("api_key.volunteer_id"));
        let known = KeyReferences {
            volunteer: Some((volunteer, station())),
            ..Default::default()
        };
        let key = named.validate(&station(), &known, now()).unwrap();
        assert_eq!(key.caller().volunteer, Some(volunteer));
        let supervisor = KeyDraft {
            display_name: "x".into(),
            role: Some(Role::Supervisor),
            volunteer_id: volunteer.to_string(),
            ..Default::default()
        };
        assert!(
            supervisor
                .validate(&station(), &known, now())
                .unwrap_err()
                .names("api_key.volunteer_id")
        );
    }
}
