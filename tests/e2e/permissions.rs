//! The permission matrix: every method of the contract × every role, through the real
//! server, plus methods missing from the policy table and malformed paths. The expected
//! matrix is written out here, apart from the server's policy table, so a change to
//! either shows up as a failure.

use crate::support::{Station, TestApp, e2e};
use prost::Message;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::MetadataValue;

const REFERRAL: &str = "yishe.referral.v1.ReferralService";
const DIRECTORY: &str = "yishe.directory.v1.DirectoryService";
const AUDIT: &str = "yishe.audit.v1.AuditService";
const ENCRYPTION: &str = "yishe.security.v1.EncryptionService";
const ASSESSMENT: &str = "yishe.assessment.v1.AssessmentService";
const PRIVACY: &str = "yishe.privacy.v1.PatientRightsService";
const PLAN: &str = "yishe.plan.v1.PlanService";
const FOLLOWUP: &str = "yishe.followup.v1.FollowUpService";
const REPORT: &str = "yishe.report.v1.ReportService";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    His,
    Worker,
    Supervisor,
    Admin,
    Auditor,
    Ops,
    Volunteer,
}

const ALL: [Role; 7] = [
    Role::His,
    Role::Worker,
    Role::Supervisor,
    Role::Admin,
    Role::Auditor,
    Role::Ops,
    Role::Volunteer,
];

/// Who may call what, per the domain's roles.
fn allowed(service: &str, method: &str) -> &'static [Role] {
    use Role::*;
    match (service, method) {
        (DIRECTORY, "GetCaller") => &ALL,
        (REFERRAL, "CreateReferral") => &[His],
        (REFERRAL, "GetReferral" | "ListReferrals" | "WatchReferralEvents") => {
            &[His, Worker, Supervisor]
        }
        (REFERRAL, "AcceptReferral" | "RejectReferral" | "HoldReferral" | "ResumeReferral") => {
            &[Worker, Supervisor]
        }
        (
            REFERRAL,
            "AssignReferral" | "ApproveClosure" | "ReturnClosure" | "ReopenReferral"
            | "ListReassignments" | "ReassignWork",
        ) => &[Supervisor],
        (REFERRAL, "RequestClosure" | "WithdrawClosure") => &[Worker, Supervisor],
        (REFERRAL, "CancelReferral") => &[His, Supervisor],
        (REFERRAL, "UpdateReferral") => &[His],
        (REFERRAL, "WithdrawConsent") => &[His, Worker, Supervisor],
        (DIRECTORY, "ListDepartments" | "GetStation" | "ListStations") => {
            &[His, Worker, Supervisor, Admin]
        }
        (DIRECTORY, "ListSocialWorkers" | "ListVolunteers") => &[Supervisor, Admin],
        (DIRECTORY, "ListVolunteerTeams") => &[Worker, Supervisor, Admin],
        (DIRECTORY, _) => &[Admin],
        (AUDIT, _) => &[Auditor],
        (ENCRYPTION, _) => &[Admin],
        (PRIVACY, _) => &[Admin],
        (ASSESSMENT, "AcknowledgeRiskFlag") => &[Supervisor],
        (ASSESSMENT, _) => &[Worker, Supervisor],
        (PLAN, "ApprovePlan" | "ReturnPlan") => &[Supervisor],
        (PLAN, "GetVolunteerTask" | "ListVolunteerTasks") => &[Worker, Supervisor, Volunteer],
        (PLAN, "ClaimVolunteerTask" | "ReportVolunteerTask") => &[Volunteer],
        (PLAN, _) => &[Worker, Supervisor],
        (FOLLOWUP, "ListProgressNotes") => &[His, Worker, Supervisor],
        (FOLLOWUP, _) => &[Worker, Supervisor],
        (REPORT, "GetStationReport") => &[Supervisor, Admin, Auditor],
        _ => {
            panic!("a method the matrix does not know: {service}/{method}; decide who may call it")
        }
    }
}

/// How a caller proves who it is.
#[derive(Debug, Clone, Copy)]
enum Identity {
    ApiKey,
    StaffToken,
}

fn credential(station: &Station, role: Role, identity: Identity) -> String {
    use yishe_proto::directory::Role as Wire;
    match identity {
        Identity::ApiKey => match role {
            Role::His => station.his_key.clone(),
            Role::Worker => station.worker_key.clone(),
            Role::Supervisor => station.supervisor_key.clone(),
            Role::Admin => station.admin_key.clone(),
            Role::Auditor => station.auditor_key.clone(),
            Role::Ops => station.ops_key.clone(),
            Role::Volunteer => station.volunteer_key.clone(),
        },
        Identity::StaffToken => station.token(match role {
            Role::His => Wire::HisIntegration,
            Role::Worker => Wire::SocialWorker,
            Role::Supervisor => Wire::Supervisor,
            Role::Admin => Wire::StationAdmin,
            Role::Auditor => Wire::Auditor,
            Role::Ops => Wire::Ops,
            Role::Volunteer => Wire::Volunteer,
        }),
    }
}

fn key(station: &Station, role: Role) -> String {
    credential(station, role, Identity::ApiKey)
}

/// Every (service, method, server-streaming) of our services, from the descriptor set.
fn methods() -> Vec<(String, String, bool)> {
    let set = prost_types::FileDescriptorSet::decode(yishe_proto::FILE_DESCRIPTOR_SET).unwrap();
    let mut out = Vec::new();
    for file in set.file {
        for service in &file.service {
            for method in &service.method {
                let full = format!("{}.{}", file.package(), service.name());
                out.push((full, method.name().to_owned(), method.server_streaming()));
            }
        }
    }
    out
}

/// Calls `path` with an empty message: enough to pass or fail authorization, whatever
/// the method then makes of the empty request.
async fn call(app: &TestApp, path: &str, streaming: bool, key: Option<&str>) -> tonic::Code {
    call_on(app.channel.clone(), path, streaming, key).await
}

/// `call` on a given connection (such as a mutual-TLS one).
async fn call_on(
    channel: tonic::transport::Channel,
    path: &str,
    streaming: bool,
    key: Option<&str>,
) -> tonic::Code {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(());
    if let Some(key) = key {
        let value: MetadataValue<_> = format!("Bearer {key}").parse().unwrap();
        request.metadata_mut().insert("authorization", value);
    }
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    let path = PathAndQuery::try_from(path.to_owned()).unwrap();
    let result = if streaming {
        grpc.server_streaming(request, path, codec)
            .await
            .map(|_| ())
    } else {
        grpc.unary(request, path, codec).await.map(|_| ())
    };
    match result {
        Ok(()) => tonic::Code::Ok,
        Err(status) => status.code(),
    }
}

async fn every_method_for_every_role(app: TestApp, station: Station) {
    let methods = methods();
    assert_eq!(
        methods.len(),
        82,
        "the matrix covers every method of the contract"
    );
    for (service, method, streaming) in methods {
        let path = format!("/{service}/{method}");
        let allowed = allowed(&service, &method);
        for identity in [Identity::ApiKey, Identity::StaffToken] {
            for role in ALL {
                let credential = credential(&station, role, identity);
                let got = call(&app, &path, streaming, Some(&credential)).await;
                if allowed.contains(&role) {
                    assert!(
                        !matches!(
                            got,
                            tonic::Code::PermissionDenied | tonic::Code::Unauthenticated
                        ),
                        "{role:?} by {identity:?} may call {path} but got {got:?}"
                    );
                } else {
                    assert_eq!(
                        got,
                        tonic::Code::PermissionDenied,
                        "{role:?} by {identity:?} must not call {path}"
                    );
                }
            }
        }
        assert_eq!(
            call(&app, &path, streaming, None).await,
            tonic::Code::Unauthenticated,
            "{path} without a key"
        );
    }
}

async fn methods_missing_from_the_table_and_odd_paths_are_denied(app: TestApp, station: Station) {
    for path in [
        "/yishe.referral.v1.ReferralService/DeleteReferral",
        "/yishe.referral.v1.ReferralService/createreferral",
        "/yishe.referral.v1.ReferralService/CreateReferral/",
        "/yishe.referral.v1.ReferralService/Create%52eferral",
        "/yishe.audit.v1.AuditService/DeleteAuditRecords",
    ] {
        for role in ALL {
            let got = call(&app, path, false, Some(&key(&station, role))).await;
            assert_eq!(got, tonic::Code::PermissionDenied, "{role:?} on {path}");
        }
    }
}

async fn a_read_only_key_only_reads(app: TestApp, station: Station) {
    use yishe_proto::directory::{ApiKey, CreateApiKeyRequest, Role as Wire};
    use yishe_proto::referral::*;
    let key = app
        .directory(Some(&station.admin_key))
        .create_api_key(CreateApiKeyRequest {
            api_key: Some(ApiKey {
                display_name: "supervisor dashboard".into(),
                role: Wire::Supervisor as i32,
                read_only: true,
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(key.api_key.unwrap().read_only);
    let created = crate::support::create_referral(&app, &station, "m1").await;
    let mut reader = app.referrals(Some(&key.secret));
    let listed = reader
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.referrals.len(), 1);
    reader
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let accept = reader
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id,
            etag: created.etag,
        })
        .await
        .unwrap_err();
    assert_eq!(accept.code(), tonic::Code::PermissionDenied);
    assert!(accept.message().contains("read-only"));
}

async fn health_and_reflection_need_no_key(app: TestApp, _station: Station) {
    let health = call(&app, "/grpc.health.v1.Health/Check", false, None).await;
    assert_eq!(health, tonic::Code::Ok);

    // Reflection serves google.rpc's error details with the contract, so a tool such as
    // grpcurl shows an error's ErrorInfo decoded.
    use tokio_stream::StreamExt;
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    let mut reflection = ServerReflectionClient::new(app.channel.clone());
    let ask = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::FileContainingSymbol(
            "google.rpc.ErrorInfo".into(),
        )),
    };
    let mut answers = reflection
        .server_reflection_info(tokio_stream::iter([ask]))
        .await
        .unwrap()
        .into_inner();
    let answer = answers.next().await.unwrap().unwrap();
    assert!(
        matches!(
            answer.message_response,
            Some(MessageResponse::FileDescriptorResponse(ref files)) if !files.file_descriptor_proto.is_empty()
        ),
        "{answer:?}"
    );
}

e2e!(
    every_method_for_every_role,
    methods_missing_from_the_table_and_odd_paths_are_denied,
    health_and_reflection_need_no_key,
    a_read_only_key_only_reads,
);

/// The third identity kind: an HIS known by its client certificate may call exactly
/// what an HIS may call.
async fn every_method_for_a_client_certificate(engine: crate::support::Engine) {
    use yishe_proto::directory::{ApiKey, CreateApiKeyRequest, Role as Wire};
    let Some(app) =
        TestApp::spawn_with(engine, |c| c.security.tls = yishe_testserver::mutual_tls()).await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    app.directory(Some(&station.admin_key))
        .create_api_key(CreateApiKeyRequest {
            api_key: Some(ApiKey {
                display_name: "oncology HIS (certificate)".into(),
                role: Wire::HisIntegration as i32,
                hospital_id: "h1".into(),
                department_ids: vec![station.department.clone()],
                certificate_subject: "oncology-his".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let channel = app.tls_channel(Some("his")).await.unwrap();
    for (service, method, streaming) in methods() {
        let path = format!("/{service}/{method}");
        let got = call_on(channel.clone(), &path, streaming, None).await;
        if allowed(&service, &method).contains(&Role::His) {
            assert!(
                !matches!(
                    got,
                    tonic::Code::PermissionDenied | tonic::Code::Unauthenticated
                ),
                "the certificate may call {path} but got {got:?}"
            );
        } else {
            assert_eq!(
                got,
                tonic::Code::PermissionDenied,
                "the certificate must not call {path}"
            );
        }
    }
    let missing = call_on(
        channel,
        "/yishe.referral.v1.ReferralService/DeleteReferral",
        false,
        None,
    )
    .await;
    assert_eq!(missing, tonic::Code::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_method_for_a_client_certificate() {
    every_method_for_a_client_certificate(crate::support::Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_method_for_a_client_certificate() {
    every_method_for_a_client_certificate(crate::support::Engine::Postgres).await
}
