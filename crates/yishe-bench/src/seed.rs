//! What the workloads start from: a station with a department, a worker and keys (made
//! through the directory API, as an administrator would), and as many referrals as a
//! list workload needs (written through the store, in batches, so a million take
//! minutes rather than hours).

use yishe_domain::referral::{
    Clinician, Consent, ConsentKind, EventType, Patient, Referral, ReferralEvent, ReferralReason,
    Sex, Status, StatusReason,
};
use yishe_domain::{Clock, DepartmentId, HospitalId, Priority, ReferralId, StationId, SystemClock};
use yishe_proto::client::Bearer;
use yishe_proto::common;
use yishe_proto::directory::directory_service_client::DirectoryServiceClient;
use yishe_proto::directory::{self as dir, Role};
use yishe_proto::referral::{self as wire, CreateReferralRequest};

use crate::server::Server;

/// The callers of a seeded station.
#[derive(Debug, Clone)]
pub(crate) struct Station {
    pub(crate) department: String,
    pub(crate) his_key: String,
    pub(crate) supervisor_key: String,
}

impl Station {
    pub(crate) async fn seed(server: &Server) -> Self {
        let channel = server.channel().await;
        let mut admin = DirectoryServiceClient::with_interceptor(
            channel,
            Bearer::new(Some(&server.admin_key)).expect("ascii key"),
        );
        let department = admin
            .create_department(dir::CreateDepartmentRequest {
                department: Some(dir::Department {
                    hospital_id: "h1".into(),
                    code: "onc".into(),
                    name: "Oncology 肿瘤科".into(),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .expect("create a department")
            .into_inner()
            .department
            .expect("a department")
            .id;
        let key = |role: Role, departments: Vec<String>| {
            let mut admin = admin.clone();
            async move {
                admin
                    .create_api_key(dir::CreateApiKeyRequest {
                        api_key: Some(dir::ApiKey {
                            display_name: format!("bench {}", role.as_str_name()),
                            role: role as i32,
                            hospital_id: if departments.is_empty() {
                                String::new()
                            } else {
                                "h1".into()
                            },
                            department_ids: departments,
                            ..Default::default()
                        }),
                        ..Default::default()
                    })
                    .await
                    .expect("create a key")
                    .into_inner()
                    .secret
            }
        };
        Self {
            his_key: key(Role::HisIntegration, vec![department.clone()]).await,
            supervisor_key: key(Role::Supervisor, Vec::new()).await,
            department,
        }
    }

    /// A complete referral from the station's department, as an HIS sends it.
    pub(crate) fn referral(&self, request_id: String) -> CreateReferralRequest {
        CreateReferralRequest {
            request_id,
            referral: Some(wire::Referral {
                hospital_id: "h1".into(),
                department_id: self.department.clone(),
                referring_clinician: Some(wire::Clinician {
                    name: "Dr Zhao".into(),
                    staff_id: "D042".into(),
                    contact: "ext 8042".into(),
                }),
                patient: Some(wire::Patient {
                    his_patient_id: "MRN-000123".into(),
                    encounter_id: "ZY-2026-0456".into(),
                    name: "陈建国".into(),
                    sex: wire::Sex::Male as i32,
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
                reasons: vec![wire::ReferralReason::FinancialHardship as i32],
                note: "family asks about medical assistance".into(),
                priority: common::Priority::Urgent as i32,
                consent: Some(wire::Consent {
                    kind: wire::ConsentKind::Given as i32,
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

    /// Writes `count` referrals of the department straight through the store, a quarter
    /// of them URGENT and REQUESTED (what the filtered list looks for), in batches.
    pub(crate) async fn seed_referrals(&self, server: &Server, count: usize) {
        let department = DepartmentId::parse(&self.department).expect("a department id");
        let mut written = 0;
        while written < count {
            let batch = (count - written).min(1000);
            let mut tx = server.store.begin().await.expect("a transaction");
            for i in written..written + batch {
                let referral = seeded(department, i);
                tx.insert_referral(&referral, "seed")
                    .await
                    .expect("insert a referral");
                let event = ReferralEvent::of(EventType::Created, &referral, referral.created_at);
                tx.append_event(&event).await.expect("its event");
            }
            tx.commit().await.expect("commit a batch");
            written += batch;
        }
        // The server's relay moves the seeded events into the feed in the background;
        // the lists are measured once it is done, not while it competes with them.
        while server.count("SELECT COUNT(*) FROM referral_outbox").await > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
}

/// The `i`th seeded referral.
fn seeded(department: DepartmentId, i: usize) -> Referral {
    let now = SystemClock.now();
    let (status, priority) = match i % 4 {
        0 => (Status::Requested, Priority::Urgent),
        1 => (Status::Requested, Priority::Routine),
        2 => (Status::Accepted, Priority::Urgent),
        _ => (Status::Rejected, Priority::Emergency),
    };
    Referral {
        id: ReferralId::new(),
        request_id: format!("seed-{i}"),
        placer_order_id: None,
        previous_referral: None,
        reopened_from: None,
        created_by: "seed".into(),
        hospital: HospitalId::parse("h1").expect("a hospital id"),
        department,
        clinician: Clinician {
            name: "Dr Zhao".into(),
            staff_id: "D042".into(),
            contact: "ext 8042".into(),
        },
        patient: Patient {
            his_patient_id: format!("MRN-{i:07}"),
            encounter_id: format!("ZY-{i:07}"),
            name: "陈建国".into(),
            sex: Sex::Male,
            birth_date: None,
            phone: "+86 139 0000 0000".into(),
            ward: "Oncology 5A".into(),
            bed: "12".into(),
            clinical_summary: "metastatic gastric cancer, family cannot cover treatment".into(),
            departure: None,
        },
        reasons: vec![ReferralReason::FinancialHardship],
        note: String::new(),
        priority,
        consent: Consent {
            kind: ConsentKind::Given,
            given_by: "patient".into(),
            justification: String::new(),
            recorded_by: "Dr Zhao".into(),
            recorded_at: now,
            withdrawal: None,
            reconfirmation: None,
        },
        status,
        status_reason: StatusReason::default(),
        station: StationId::parse("main").expect("a station id"),
        assigned_worker: None,
        assigned_worker_name: None,
        acceptance_deadline: now + chrono::Duration::days(1),
        sla_breached: false,
        accepted_at: None,
        ended_at: None,
        first_contact_at: None,
        closure: None,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}
