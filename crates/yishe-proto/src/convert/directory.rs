//! Directory messages.

use yishe_domain::Role;
use yishe_domain::directory::{ApiKey, CertificationLevel, Department, SocialWorker};

use super::time::to_timestamp;
use crate::directory as wire;

pub fn certification_level(value: i32) -> Option<CertificationLevel> {
    match wire::CertificationLevel::try_from(value).ok()? {
        wire::CertificationLevel::Assistant => Some(CertificationLevel::Assistant),
        wire::CertificationLevel::Intermediate => Some(CertificationLevel::Intermediate),
        wire::CertificationLevel::Senior => Some(CertificationLevel::Senior),
        wire::CertificationLevel::Unspecified => None,
    }
}

fn certification_level_to_proto(level: CertificationLevel) -> wire::CertificationLevel {
    match level {
        CertificationLevel::Assistant => wire::CertificationLevel::Assistant,
        CertificationLevel::Intermediate => wire::CertificationLevel::Intermediate,
        CertificationLevel::Senior => wire::CertificationLevel::Senior,
    }
}

pub fn role(value: i32) -> Option<Role> {
    let name = wire::Role::try_from(value).ok()?.as_str_name();
    Role::parse(&name.strip_prefix("ROLE_")?.to_ascii_lowercase())
}

pub fn role_to_proto(role: Role) -> wire::Role {
    wire::Role::from_str_name(&format!("ROLE_{}", role.as_str().to_ascii_uppercase()))
        .expect("every domain role is in the contract")
}

pub fn department_to_proto(d: &Department) -> wire::Department {
    wire::Department {
        id: d.id.to_string(),
        hospital_id: d.hospital.to_string(),
        code: d.code.clone(),
        name: d.name.clone(),
        create_time: Some(to_timestamp(d.created_at)),
    }
}

pub fn worker_to_proto(w: &SocialWorker) -> wire::SocialWorker {
    wire::SocialWorker {
        id: w.id.to_string(),
        station_id: w.station.to_string(),
        display_name: w.display_name.clone(),
        certification_level: certification_level_to_proto(w.level) as i32,
        caseload_limit: w.caseload_limit,
        active: w.active,
        open_cases: w.open_cases,
        create_time: Some(to_timestamp(w.created_at)),
        update_time: Some(to_timestamp(w.updated_at)),
        etag: w.etag().to_string(),
    }
}

pub fn key_to_proto(k: &ApiKey) -> wire::ApiKey {
    wire::ApiKey {
        id: k.id.to_string(),
        display_name: k.display_name.clone(),
        role: role_to_proto(k.role) as i32,
        hospital_id: k
            .hospital
            .as_ref()
            .map(|h| h.to_string())
            .unwrap_or_default(),
        department_ids: k.departments.iter().map(|d| d.to_string()).collect(),
        station_id: k
            .station
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        social_worker_id: k.worker.map(|w| w.to_string()).unwrap_or_default(),
        create_time: Some(to_timestamp(k.created_at)),
        revoke_time: k.revoked_at.map(to_timestamp),
        certificate_subject: k.certificate_subject.clone().unwrap_or_default(),
        read_only: k.read_only,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_levels_round_trip() {
        for r in Role::ALL {
            assert_eq!(role(role_to_proto(r) as i32), Some(r));
        }
        for l in CertificationLevel::ALL {
            assert_eq!(
                certification_level(certification_level_to_proto(l) as i32),
                Some(l)
            );
        }
        assert_eq!(role(0), None);
        assert_eq!(certification_level(0), None);
    }
}
