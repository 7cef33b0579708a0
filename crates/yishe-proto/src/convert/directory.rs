//! Directory messages.

use yishe_domain::directory::{
    ApiKey, CertificationLevel, DIRECTORY_PAGES, Department, DepartmentDraft, DirectoryCursor,
    KeyDraft, SocialWorker, Station, StationDraft, StationMask, TeamDraft, TrainingHours,
    UpdateStation, UpdateVolunteer, UpdateWorker, Volunteer, VolunteerDraft, VolunteerMask,
    VolunteerTeam, WorkerDraft, WorkerMask,
};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{
    HospitalId, PageRequest, Role, SocialWorkerId, StationId, Violations, VolunteerId,
    VolunteerTeamId,
};

use super::parse;
use super::referral::{reason, reason_to_proto};
use super::time::to_timestamp;
use crate::directory as wire;

/// A directory list's page as asked: `page_size` and `page_token`.
pub fn page_request(
    page_size: i32,
    page_token: &str,
) -> Result<PageRequest<DirectoryCursor>, Violations> {
    let mut v = Violations::new();
    let page = parse::page(
        page_size,
        page_token,
        DIRECTORY_PAGES,
        DirectoryCursor::parse,
        &mut v,
    );
    v.into_result(page)
}

/// The department asked for and the request id it was sent with (raw).
pub fn create_department_request(r: wire::CreateDepartmentRequest) -> (DepartmentDraft, String) {
    let d = r.department.unwrap_or_default();
    let draft = DepartmentDraft {
        hospital_id: d.hospital_id,
        code: d.code,
        name: d.name,
    };
    (draft, r.request_id)
}

/// The hospital whose departments a caller lists (`None` for every hospital), and
/// the page.
pub fn list_departments_request(
    r: wire::ListDepartmentsRequest,
) -> Result<(Option<HospitalId>, PageRequest<DirectoryCursor>), Violations> {
    let mut v = Violations::new();
    let hospital = if r.hospital_id.trim().is_empty() {
        None
    } else {
        let parsed = HospitalId::parse(&r.hospital_id);
        if parsed.is_none() {
            v.add(
                "hospital_id",
                "must be 1 to 64 letters, digits, '-', '_' or '.'",
            );
        }
        parsed
    };
    let page = parse::page(
        r.page_size,
        &r.page_token,
        DIRECTORY_PAGES,
        DirectoryCursor::parse,
        &mut v,
    );
    v.into_result((hospital, page))
}

/// The station a GetStation names.
pub fn get_station_request(r: wire::GetStationRequest) -> Result<StationId, Violations> {
    StationId::parse(&r.station_id).ok_or_else(|| {
        Violations::one(
            "station_id",
            "is required: 1 to 64 letters, digits, '-', '_' or '.'",
        )
    })
}

pub fn update_station_request(r: wire::UpdateStationRequest) -> Result<UpdateStation, Violations> {
    let mut v = Violations::new();
    let mask = StationMask::parse(&r.update_mask.map(|m| m.paths).unwrap_or_default())
        .map_err(|bad| parse::merge(&mut v, bad));
    let s = r.station.unwrap_or_default();
    let id = StationId::parse(&s.id);
    if id.is_none() {
        v.add(
            "station.id",
            "is required: 1 to 64 letters, digits, '-', '_' or '.'",
        );
    }
    let etag = parse::etag("station.etag", &s.etag, &mut v);
    let draft = StationDraft {
        display_name: s.display_name,
        reasons: s.referral_reasons.into_iter().map(reason).collect(),
    };
    match (id, etag, mask) {
        (Some(id), Some(etag), Ok(mask)) if v.is_empty() => Ok(UpdateStation {
            id,
            etag,
            draft,
            mask,
        }),
        _ => Err(v),
    }
}

pub fn station_to_proto(s: &Station) -> wire::Station {
    wire::Station {
        id: s.id.to_string(),
        display_name: s.display_name.clone(),
        referral_reasons: s.reasons.iter().map(|r| reason_to_proto(*r)).collect(),
        caseload_capacity: s.load.caseload_capacity,
        open_cases: s.load.open_cases,
        waiting_referrals: s.load.waiting_referrals,
        active_social_workers: s.load.active_workers,
        create_time: Some(to_timestamp(s.created_at)),
        update_time: Some(to_timestamp(s.updated_at)),
        etag: s.etag().to_string(),
    }
}

fn worker_draft(w: wire::SocialWorker) -> WorkerDraft {
    WorkerDraft {
        display_name: w.display_name,
        level: certification_level(w.certification_level),
        caseload_limit: w.caseload_limit,
        active: w.active,
        on_leave: w.on_leave,
    }
}

/// The worker asked for and the request id it was sent with (raw).
pub fn create_worker_request(r: wire::CreateSocialWorkerRequest) -> (WorkerDraft, String) {
    (
        worker_draft(r.social_worker.unwrap_or_default()),
        r.request_id,
    )
}

pub fn update_worker_request(
    r: wire::UpdateSocialWorkerRequest,
) -> Result<UpdateWorker, Violations> {
    let mut v = Violations::new();
    let mask = WorkerMask::parse(&r.update_mask.map(|m| m.paths).unwrap_or_default())
        .map_err(|bad| parse::merge(&mut v, bad));
    let w = r.social_worker.unwrap_or_default();
    let id = parse::id(
        "social_worker.id",
        &w.id,
        "a social worker id",
        SocialWorkerId::parse,
        &mut v,
    );
    let etag = parse::etag("social_worker.etag", &w.etag, &mut v);
    match (id, etag, mask) {
        (Some(id), Some(etag), Ok(mask)) => Ok(UpdateWorker {
            id,
            etag,
            draft: worker_draft(w),
            mask,
        }),
        _ => Err(v),
    }
}

/// The key asked for and the request id it was sent with (raw).
pub fn create_key_request(r: wire::CreateApiKeyRequest) -> (KeyDraft, String) {
    let k = r.api_key.unwrap_or_default();
    let draft = KeyDraft {
        display_name: k.display_name,
        role: role(k.role),
        hospital_id: k.hospital_id,
        department_ids: k.department_ids,
        social_worker_id: k.social_worker_id,
        certificate_subject: k.certificate_subject,
        read_only: k.read_only,
        volunteer_id: k.volunteer_id,
    };
    (draft, r.request_id)
}

/// The key a LinkApiKey names and the worker it links it to.
pub fn link_key_request(
    r: wire::LinkApiKeyRequest,
) -> Result<(ApiKeyId, SocialWorkerId), Violations> {
    let mut v = Violations::new();
    let key = parse::id(
        "api_key_id",
        &r.api_key_id,
        "an API key id",
        ApiKeyId::parse,
        &mut v,
    );
    let worker = parse::id(
        "social_worker_id",
        &r.social_worker_id,
        "a social worker id",
        SocialWorkerId::parse,
        &mut v,
    );
    key.zip(worker).ok_or(v)
}

/// The team asked for and the request id it was sent with (raw).
pub fn create_team_request(r: wire::CreateVolunteerTeamRequest) -> (TeamDraft, String) {
    let t = r.team.unwrap_or_default();
    (
        TeamDraft {
            display_name: t.display_name,
            contact: t.contact,
        },
        r.request_id,
    )
}

fn volunteer_draft(w: wire::Volunteer, v: &mut Violations) -> VolunteerDraft {
    let team = parse::optional_id(
        "volunteer.team_id",
        &w.team_id,
        "a volunteer team id",
        VolunteerTeamId::parse,
        v,
    );
    VolunteerDraft {
        team,
        display_name: w.display_name,
        contact: w.contact,
        skills: w.skills,
        active: w.active,
        training: w
            .training_hours
            .into_iter()
            .map(|t| TrainingHours {
                year: t.year,
                hours: t.hours,
            })
            .collect(),
    }
}

/// The volunteer asked for and the request id it was sent with (raw).
pub fn create_volunteer_request(
    r: wire::CreateVolunteerRequest,
) -> Result<(VolunteerDraft, String), Violations> {
    let mut v = Violations::new();
    let draft = volunteer_draft(r.volunteer.unwrap_or_default(), &mut v);
    v.into_result((draft, r.request_id))
}

pub fn update_volunteer_request(
    r: wire::UpdateVolunteerRequest,
) -> Result<UpdateVolunteer, Violations> {
    let mut v = Violations::new();
    let mask = VolunteerMask::parse(&r.update_mask.map(|m| m.paths).unwrap_or_default())
        .map_err(|bad| parse::merge(&mut v, bad));
    let w = r.volunteer.unwrap_or_default();
    let id = parse::id(
        "volunteer.id",
        &w.id,
        "a volunteer id",
        VolunteerId::parse,
        &mut v,
    );
    let etag = parse::etag("volunteer.etag", &w.etag, &mut v);
    let draft = volunteer_draft(w, &mut v);
    match (id, etag, mask) {
        (Some(id), Some(etag), Ok(mask)) if v.is_empty() => Ok(UpdateVolunteer {
            id,
            etag,
            draft,
            mask,
        }),
        _ => Err(v),
    }
}

/// The team a ListVolunteers names, whether inactive volunteers are wanted, the page.
pub fn list_volunteers_request(
    r: wire::ListVolunteersRequest,
) -> Result<(Option<VolunteerTeamId>, bool, PageRequest<DirectoryCursor>), Violations> {
    let mut v = Violations::new();
    let team = parse::optional_id(
        "team_id",
        &r.team_id,
        "a volunteer team id",
        VolunteerTeamId::parse,
        &mut v,
    );
    let page = parse::page(
        r.page_size,
        &r.page_token,
        DIRECTORY_PAGES,
        DirectoryCursor::parse,
        &mut v,
    );
    v.into_result((team, r.include_inactive, page))
}

pub fn team_to_proto(t: &VolunteerTeam) -> wire::VolunteerTeam {
    wire::VolunteerTeam {
        id: t.id.to_string(),
        station_id: t.station.to_string(),
        display_name: t.display_name.clone(),
        contact: t.contact.clone(),
        active: t.active,
        create_time: Some(to_timestamp(t.created_at)),
    }
}

pub fn volunteer_to_proto(v: &Volunteer) -> wire::Volunteer {
    wire::Volunteer {
        id: v.id.to_string(),
        station_id: v.station.to_string(),
        team_id: v.team.to_string(),
        display_name: v.display_name.clone(),
        contact: v.contact.clone(),
        skills: v.skills.clone(),
        active: v.active,
        training_hours: v
            .training
            .iter()
            .map(|t| wire::TrainingHours {
                year: t.year,
                hours: t.hours,
            })
            .collect(),
        create_time: Some(to_timestamp(v.created_at)),
        update_time: Some(to_timestamp(v.updated_at)),
        etag: v.etag().to_string(),
    }
}

pub fn revoke_key_request(r: wire::RevokeApiKeyRequest) -> Result<ApiKeyId, Violations> {
    let mut v = Violations::new();
    parse::id(
        "api_key_id",
        &r.api_key_id,
        "an API key id",
        ApiKeyId::parse,
        &mut v,
    )
    .ok_or(v)
}

fn certification_level(value: i32) -> Option<CertificationLevel> {
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

/// Who a call was authenticated as, with the worker record it is linked to.
pub fn caller_to_proto(
    caller: &yishe_domain::Caller,
    worker: Option<&yishe_domain::directory::SocialWorker>,
) -> wire::GetCallerResponse {
    wire::GetCallerResponse {
        role: role_to_proto(caller.role) as i32,
        station_id: caller
            .station
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        social_worker_id: worker.map(|w| w.id.to_string()).unwrap_or_default(),
        display_name: worker.map(|w| w.display_name.clone()).unwrap_or_default(),
        read_only: caller.read_only,
        hospital_id: caller
            .hospital
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        department_ids: caller.departments.iter().map(ToString::to_string).collect(),
    }
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
        on_leave: w.on_leave,
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
        volunteer_id: k.volunteer.map(|v| v.to_string()).unwrap_or_default(),
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
