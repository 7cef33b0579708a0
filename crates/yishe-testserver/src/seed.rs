//! A seeded station for end-to-end tests: two departments of hospital `h1`, an HIS key
//! for each, a supervisor, an intermediate and a junior social worker with their keys,
//! and keys for the roles that see no referrals.

use yishe_proto::common;
use yishe_proto::directory::{self as dir, ApiKey, CreateApiKeyRequest, Role};
use yishe_proto::referral::{
    AcceptReferralRequest, AssignReferralRequest, Clinician, Consent, ConsentKind,
    CreateReferralRequest, Patient, Referral, ReferralReason, Sex,
};

use crate::TestApp;

/// Everything a test needs to act as each kind of caller.
#[derive(Debug, Clone)]
pub struct Station {
    pub admin_key: String,
    pub department: String,
    pub other_department: String,
    /// HIS of `department` only.
    pub his_key: String,
    /// HIS of `other_department` only.
    pub other_his_key: String,
    pub supervisor_key: String,
    pub worker: String,
    pub worker_key: String,
    pub junior_worker: String,
    pub junior_key: String,
    pub auditor_key: String,
    pub ops_key: String,
    /// A volunteer team of the station, one of its volunteers and their key.
    pub team: String,
    pub volunteer: String,
    pub volunteer_key: String,
}

impl Station {
    pub async fn seed(app: &TestApp) -> Self {
        let admin = app.admin_key.clone();
        let directory = app.directory(Some(&admin));
        let department = |code: &'static str| {
            let mut directory = directory.clone();
            async move {
                directory
                    .create_department(dir::CreateDepartmentRequest {
                        department: Some(dir::Department {
                            hospital_id: "h1".into(),
                            code: code.into(),
                            name: format!("{code} department"),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .await
                    .expect("create department")
                    .into_inner()
                    .department
                    .unwrap()
                    .id
            }
        };
        let onc = department("onc").await;
        let ped = department("ped").await;
        let worker = |name: &'static str, level: dir::CertificationLevel| {
            let mut directory = directory.clone();
            async move {
                directory
                    .create_social_worker(dir::CreateSocialWorkerRequest {
                        social_worker: Some(dir::SocialWorker {
                            display_name: name.into(),
                            certification_level: level as i32,
                            caseload_limit: 10,
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .await
                    .expect("create worker")
                    .into_inner()
                    .social_worker
                    .unwrap()
                    .id
            }
        };
        let worker_id = worker("Wang Fang", dir::CertificationLevel::Intermediate).await;
        let junior_id = worker("Li Lei", dir::CertificationLevel::Assistant).await;
        let key = |role: Role, departments: Vec<String>, worker: String| {
            let mut directory = directory.clone();
            async move {
                let his = role == Role::HisIntegration;
                directory
                    .create_api_key(CreateApiKeyRequest {
                        api_key: Some(ApiKey {
                            display_name: format!("{} key", role.as_str_name()),
                            role: role as i32,
                            hospital_id: if his { "h1".into() } else { String::new() },
                            department_ids: departments,
                            social_worker_id: worker,
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .await
                    .expect("create key")
                    .into_inner()
                    .secret
            }
        };
        let (team, volunteer, volunteer_key) =
            volunteer_of_new_team(&app.directory(Some(&admin)), "医大青年志愿服务队", "李娜").await;
        Station {
            team,
            volunteer,
            volunteer_key,
            his_key: key(Role::HisIntegration, vec![onc.clone()], String::new()).await,
            other_his_key: key(Role::HisIntegration, vec![ped.clone()], String::new()).await,
            supervisor_key: key(Role::Supervisor, vec![], String::new()).await,
            worker_key: key(Role::SocialWorker, vec![], worker_id.clone()).await,
            junior_key: key(Role::SocialWorker, vec![], junior_id.clone()).await,
            auditor_key: key(Role::Auditor, vec![], String::new()).await,
            ops_key: key(Role::Ops, vec![], String::new()).await,
            admin_key: admin,
            department: onc,
            other_department: ped,
            worker: worker_id,
            junior_worker: junior_id,
        }
    }

    /// A staff token (signed by the trusted Ed25519 fixture key) for `role`, with the
    /// same scope as that role's key.
    pub fn token(&self, role: Role) -> String {
        use serde_json::json;
        let claims = match role {
            Role::HisIntegration => {
                json!({ "role": "his_integration", "hospital": "h1", "departments": [self.department] })
            }
            Role::SocialWorker => {
                json!({ "role": "social_worker", "station": "s1", "worker": self.worker })
            }
            Role::Supervisor => json!({ "role": "supervisor", "station": "s1" }),
            Role::StationAdmin => json!({ "role": "station_admin", "station": "s1" }),
            Role::Auditor => json!({ "role": "auditor" }),
            Role::Ops => json!({ "role": "ops" }),
            Role::Volunteer => {
                json!({ "role": "volunteer", "station": "s1", "volunteer": self.volunteer })
            }
            Role::Unspecified => json!({}),
        };
        crate::tokens::mint(
            crate::tokens::Signer::Ed25519,
            &format!("{}-user", role.as_str_name()),
            claims,
        )
    }

    /// A referral of the seeded department at `priority`, accepted and assigned to the
    /// seeded (intermediate) worker.
    pub async fn assigned_referral(
        &self,
        app: &TestApp,
        request_id: &str,
        priority: common::Priority,
    ) -> Referral {
        let mut request = self.referral_request(&self.department, request_id);
        request.referral.as_mut().unwrap().priority = priority as i32;
        let referral = app
            .referrals(Some(&self.his_key))
            .create_referral(request)
            .await
            .unwrap()
            .into_inner()
            .referral
            .unwrap();
        let mut supervisor = app.referrals(Some(&self.supervisor_key));
        let accepted = supervisor
            .accept_referral(AcceptReferralRequest {
                referral_id: referral.id.clone(),
                etag: referral.etag.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .referral
            .unwrap();
        supervisor
            .assign_referral(AssignReferralRequest {
                referral_id: accepted.id.clone(),
                etag: accepted.etag,
                social_worker_id: self.worker.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .referral
            .unwrap()
    }

    /// A person of the station with a credential: a social worker record named `name`
    /// at `level`, and a key of `role` linked to it. Returns (worker id, key).
    pub async fn person(
        &self,
        app: &TestApp,
        name: &str,
        level: dir::CertificationLevel,
        role: Role,
    ) -> (String, String) {
        let mut directory = app.directory(Some(&self.admin_key));
        let worker = directory
            .create_social_worker(dir::CreateSocialWorkerRequest {
                social_worker: Some(dir::SocialWorker {
                    display_name: name.into(),
                    certification_level: level as i32,
                    caseload_limit: 10,
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("create worker")
            .into_inner()
            .social_worker
            .unwrap()
            .id;
        let key = directory
            .create_api_key(CreateApiKeyRequest {
                api_key: Some(ApiKey {
                    display_name: format!("{name}'s key"),
                    role: role as i32,
                    social_worker_id: worker.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("create key")
            .into_inner()
            .secret;
        (worker, key)
    }

    /// A new volunteer team of the station with one volunteer and their key:
    /// (team id, volunteer id, key).
    pub async fn volunteer_team(
        &self,
        app: &TestApp,
        team: &str,
        volunteer: &str,
    ) -> (String, String, String) {
        volunteer_of_new_team(&app.directory(Some(&self.admin_key)), team, volunteer).await
    }

    /// A second HIS key for the first department, as after a key rotation or for a
    /// second HIS node.
    pub async fn another_his_key(&self, app: &TestApp, name: &str) -> String {
        app.directory(Some(&self.admin_key))
            .create_api_key(CreateApiKeyRequest {
                api_key: Some(ApiKey {
                    display_name: name.into(),
                    role: Role::HisIntegration as i32,
                    hospital_id: "h1".into(),
                    department_ids: vec![self.department.clone()],
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("create a second HIS key")
            .into_inner()
            .secret
    }

    /// A complete, valid referral from `department`.
    pub fn referral_request(&self, department: &str, request_id: &str) -> CreateReferralRequest {
        CreateReferralRequest {
            request_id: request_id.into(),
            referral: Some(Referral {
                hospital_id: "h1".into(),
                department_id: department.into(),
                referring_clinician: Some(Clinician {
                    name: "Dr Zhao".into(),
                    staff_id: "D042".into(),
                    contact: "ext 8042".into(),
                }),
                patient: Some(Patient {
                    his_patient_id: "MRN-000123".into(),
                    encounter_id: "ZY-2026-0456".into(),
                    name: "陈建国".into(),
                    sex: Sex::Male as i32,
                    birth_date: Some(common::Date {
                        year: 1948,
                        month: 3,
                        day: 14,
                    }),
                    phone: "+86 139 0000 0000".into(),
                    ward: "Oncology 5A".into(),
                    bed: "12".into(),
                    clinical_summary: "metastatic gastric cancer, family cannot cover treatment"
                        .into(),
                    departure: None,
                }),
                reasons: vec![
                    ReferralReason::FinancialHardship as i32,
                    ReferralReason::EndOfLifeCare as i32,
                ],
                note: "family asks about medical assistance".into(),
                priority: common::Priority::Urgent as i32,
                consent: Some(Consent {
                    kind: ConsentKind::Given as i32,
                    given_by: "patient".into(),
                    recorded_by: "Dr Zhao".into(),
                    recorded_time: Some(prost_types::Timestamp {
                        seconds: 1_764_000_000,
                        nanos: 0,
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }
}

/// Registers a team named `team` with one volunteer named `name` and a key for them.
async fn volunteer_of_new_team(
    directory: &crate::Directory,
    team: &str,
    name: &str,
) -> (String, String, String) {
    let mut directory = directory.clone();
    let team = directory
        .create_volunteer_team(dir::CreateVolunteerTeamRequest {
            team: Some(dir::VolunteerTeam {
                display_name: team.into(),
                contact: "团队联络人 138 0000 0000".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("create volunteer team")
        .into_inner()
        .team
        .unwrap()
        .id;
    let volunteer = directory
        .create_volunteer(dir::CreateVolunteerRequest {
            volunteer: Some(dir::Volunteer {
                team_id: team.clone(),
                display_name: name.into(),
                skills: vec!["陪诊".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("create volunteer")
        .into_inner()
        .volunteer
        .unwrap()
        .id;
    let key = directory
        .create_api_key(CreateApiKeyRequest {
            api_key: Some(ApiKey {
                display_name: format!("{name}'s key"),
                role: Role::Volunteer as i32,
                volunteer_id: volunteer.clone(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("create volunteer key")
        .into_inner()
        .secret;
    (team, volunteer, key)
}
