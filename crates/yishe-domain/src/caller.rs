//! Who is calling: the authenticated identity every use-case receives.

use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentId, HospitalId, SocialWorkerId, StationId, VolunteerId};

/// What a caller may do. Each role sees only what it needs (least privilege).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    HisIntegration,
    SocialWorker,
    Supervisor,
    StationAdmin,
    Auditor,
    Ops,
    Volunteer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::HisIntegration,
        Role::SocialWorker,
        Role::Supervisor,
        Role::StationAdmin,
        Role::Auditor,
        Role::Ops,
        Role::Volunteer,
    ];

    /// The stable name used in storage, audit rows and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::HisIntegration => "his_integration",
            Role::SocialWorker => "social_worker",
            Role::Supervisor => "supervisor",
            Role::StationAdmin => "station_admin",
            Role::Auditor => "auditor",
            Role::Ops => "ops",
            Role::Volunteer => "volunteer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Roles that belong to a social-work station rather than a hospital.
    pub fn is_station_role(self) -> bool {
        matches!(
            self,
            Role::SocialWorker | Role::Supervisor | Role::StationAdmin | Role::Volunteer
        )
    }
}

/// The authenticated caller with its scope. Built by the authentication layer, read
/// by the use-cases for record-level checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Stable id of the credential (an API key id), recorded in audit rows and used to
    /// scope idempotency keys.
    pub subject: String,
    pub role: Role,
    /// For HIS integrations: the hospital.
    pub hospital: Option<HospitalId>,
    /// For HIS integrations: the departments it may refer from.
    pub departments: Vec<DepartmentId>,
    /// For station roles: the station.
    pub station: Option<StationId>,
    /// For social workers (and supervisors who carry cases): their worker record.
    pub worker: Option<SocialWorkerId>,
    /// For volunteers: their volunteer record (its team decides which tasks they see).
    pub volunteer: Option<VolunteerId>,
    /// A read-only credential: every method that changes something is denied.
    pub read_only: bool,
}

impl Caller {
    /// The station a station role acts for; a credential without one acts for none,
    /// which a request that needs a station names as its `station_id`.
    pub fn own_station(&self) -> Result<StationId, crate::Violations> {
        self.station
            .clone()
            .ok_or_else(|| crate::Violations::one("station_id", "the caller belongs to no station"))
    }

    pub fn may_refer_from(&self, hospital: &HospitalId, department: &DepartmentId) -> bool {
        self.role == Role::HisIntegration
            && self.hospital.as_ref() == Some(hospital)
            && self.departments.contains(department)
    }

    pub fn is_of_station(&self, station: &StationId) -> bool {
        self.role.is_station_role() && self.station.as_ref() == Some(station)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
