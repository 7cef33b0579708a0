//! HIS integrations over mutual TLS: a client certificate from the trusted CA,
//! registered for an integration, authenticates the calls of its connection; it sees
//! what any HIS sees (never the station's notes), may call only what an HIS may call;
//! an unregistered certificate, or one from another CA, is UNAUTHENTICATED.

use crate::support::{Engine, Station, TestApp};
use tokio_stream::StreamExt;
use yishe_proto::directory::{ApiKey, CreateApiKeyRequest, Role};
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_proto::referral::*;

async fn spawn(engine: Engine) -> Option<(TestApp, Station)> {
    let app =
        TestApp::spawn_with(engine, |c| c.security.tls = yishe_testserver::mutual_tls()).await?;
    let station = Station::seed(&app).await;
    app.directory(Some(&station.admin_key))
        .create_api_key(CreateApiKeyRequest {
            api_key: Some(ApiKey {
                display_name: "oncology HIS (certificate)".into(),
                role: Role::HisIntegration as i32,
                hospital_id: "h1".into(),
                department_ids: vec![station.department.clone()],
                certificate_subject: "oncology-his.h1.test".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    Some((app, station))
}

async fn an_his_by_certificate_follows_its_referrals(engine: Engine) {
    let Some((app, station)) = spawn(engine).await else {
        return;
    };
    let channel = app.tls_channel(Some("his")).await.unwrap();
    let mut his = ReferralServiceClient::new(channel);
    let mut events = his
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    let created = his
        .create_referral(station.referral_request(&station.department, "cert-1"))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let first = events.next().await.unwrap().unwrap().into_event().unwrap();
    assert_eq!(first.referral_id, created.id);

    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    supervisor
        .hold_referral(HoldReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag,
            note: "waiting for the family meeting".into(),
        })
        .await
        .unwrap();
    let seen = his
        .get_referral(GetReferralRequest {
            referral_id: created.id,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(seen.status(), ReferralStatus::OnHold);
    assert_eq!(
        seen.status_reason.map(|r| r.note).unwrap_or_default(),
        "",
        "no station notes"
    );

    // Other departments stay out of reach, and station methods are denied.
    let foreign = his
        .create_referral(station.referral_request(&station.other_department, "cert-2"))
        .await;
    assert_eq!(foreign.unwrap_err().code(), tonic::Code::PermissionDenied);
    let list = his
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(list.referrals.len(), 1);
    let mut as_station =
        yishe_proto::directory::directory_service_client::DirectoryServiceClient::new(
            app.tls_channel(Some("his")).await.unwrap(),
        );
    let denied = as_station
        .list_api_keys(yishe_proto::directory::ListApiKeysRequest::default())
        .await;
    assert_eq!(denied.unwrap_err().code(), tonic::Code::PermissionDenied);
}

async fn other_certificates_are_refused(engine: Engine) {
    let Some((app, station)) = spawn(engine).await else {
        return;
    };
    // Same CA, but no integration registered for it.
    let mut unregistered =
        ReferralServiceClient::new(app.tls_channel(Some("unmapped")).await.unwrap());
    let refused = unregistered
        .list_referrals(ListReferralsRequest::default())
        .await;
    assert_eq!(refused.unwrap_err().code(), tonic::Code::Unauthenticated);
    // No certificate and no key.
    let mut anonymous = ReferralServiceClient::new(app.tls_channel(None).await.unwrap());
    let refused = anonymous
        .list_referrals(ListReferralsRequest::default())
        .await;
    assert_eq!(refused.unwrap_err().code(), tonic::Code::Unauthenticated);
    // Another CA, with the very same names: refused, and audited like any refusal.
    let mut intruder = ReferralServiceClient::new(app.tls_channel(Some("intruder")).await.unwrap());
    let refused = intruder
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    assert!(
        refused.message().contains("trusted CA"),
        "{}",
        refused.message()
    );
    // Keys keep working over TLS.
    let ok = app
        .referrals(Some(&station.his_key))
        .list_referrals(ListReferralsRequest::default())
        .await;
    assert!(ok.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_an_his_by_certificate_follows_its_referrals() {
    an_his_by_certificate_follows_its_referrals(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_his_by_certificate_follows_its_referrals() {
    an_his_by_certificate_follows_its_referrals(Engine::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_other_certificates_are_refused() {
    other_certificates_are_refused(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_other_certificates_are_refused() {
    other_certificates_are_refused(Engine::Postgres).await
}

/// With `tls.metrics`, the metrics port speaks TLS only.
async fn metrics_over_tls(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| {
        c.security.tls = yishe_testserver::mutual_tls();
        c.security.tls.metrics = true;
    })
    .await
    else {
        return;
    };
    let _ = app
        .referrals(None)
        .list_referrals(ListReferralsRequest::default())
        .await;
    let text = yishe_testserver::https_get(app.http_addr, "/metrics").await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.contains(r#"grpc_server_handled_total{grpc_code="UNAUTHENTICATED""#),
        "{text}"
    );
    let health = yishe_testserver::https_get(app.http_addr, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // Plaintext gets no answer.
    let plain = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        yishe_testserver::http_get(app.http_addr, "/metrics"),
    )
    .await;
    assert!(
        !matches!(plain, Ok(ref t) if t.starts_with("HTTP/1.1 200")),
        "{plain:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_metrics_over_tls() {
    metrics_over_tls(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_metrics_over_tls() {
    metrics_over_tls(Engine::Postgres).await
}
