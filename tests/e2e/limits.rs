//! The limits on callers: an address that keeps failing to authenticate is shut out
//! for a while, valid credential or not (等保 2.0's 限制非法登录次数), and each credential
//! may make so many calls a second, so that one runaway integration cannot take the
//! station's capacity from the others.

use std::time::Duration;

use tonic_types::StatusExt;
use yishe_proto::directory::{ApiKey, CreateApiKeyRequest, ListDepartmentsRequest, Role};

use crate::support::{Engine, TestApp, refusal};

const NOBODYS_KEY: &str = "ysk_0000000000000000000000000000000000000000000000000000000000000000";

fn list(from: Option<&str>) -> tonic::Request<ListDepartmentsRequest> {
    let mut request = tonic::Request::new(ListDepartmentsRequest::default());
    if let Some(address) = from {
        request
            .metadata_mut()
            .insert("x-forwarded-for", address.parse().unwrap());
    }
    request
}

fn retry_after(status: &tonic::Status) -> Duration {
    status
        .get_details_retry_info()
        .and_then(|r| r.retry_delay)
        .expect("a RetryInfo")
}

/// Three failures are allowed in the window; the fourth shuts the address out, and
/// then even the admin's valid key is refused from it until the lockout ends. Behind a
/// trusted proxy the address is the one the proxy added, so another client is not
/// shut out with the first.
async fn repeated_failures_shut_an_address_out(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| {
        let limits = &mut c.security.limits;
        limits.failed_authentications = 3;
        limits.failed_window_secs = 60;
        limits.lockout_secs = 2;
        limits.trust_forwarded_for = true;
    })
    .await
    else {
        return;
    };
    let (attacker, neighbour) = (Some("203.0.113.7"), Some("203.0.113.8"));
    for _ in 0..4 {
        let refused = app
            .directory(Some(NOBODYS_KEY))
            .list_departments(list(attacker))
            .await;
        assert_eq!(
            refusal(&refused),
            (tonic::Code::Unauthenticated, "CREDENTIALS_UNKNOWN".into())
        );
    }
    let locked = app
        .directory(Some(&app.admin_key))
        .list_departments(list(attacker))
        .await;
    assert_eq!(
        refusal(&locked),
        (
            tonic::Code::Unauthenticated,
            "TOO_MANY_FAILED_AUTHENTICATIONS".into()
        ),
        "a valid key from a shut-out address is refused too"
    );
    let wait = retry_after(locked.as_ref().unwrap_err());
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(2),
        "{wait:?}"
    );
    app.directory(Some(&app.admin_key))
        .list_departments(list(neighbour))
        .await
        .expect("another address behind the same proxy is served");
    let metrics = app.metrics().await;
    assert!(metrics.contains("yishe_auth_lockouts_total 1"), "{metrics}");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    app.directory(Some(&app.admin_key))
        .list_departments(list(attacker))
        .await
        .expect("served again once the lockout is over");
}

/// One call a second per credential, in bursts of two: the third call in a row is
/// refused with when to retry, while another credential goes on; after the wait the
/// first is served again.
async fn a_credential_over_its_rate_waits(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| {
        c.security.limits.calls_per_second = 1;
        c.security.limits.call_burst = 2;
    })
    .await
    else {
        return;
    };
    let admin = || app.directory(Some(&app.admin_key));
    let other = admin()
        .create_api_key(CreateApiKeyRequest {
            api_key: Some(ApiKey {
                display_name: "a second admin".into(),
                role: Role::StationAdmin as i32,
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .expect("the first call of the burst")
        .into_inner()
        .secret;
    admin()
        .list_departments(list(None))
        .await
        .expect("the second");
    let limited = admin().list_departments(list(None)).await;
    assert_eq!(
        refusal(&limited),
        (tonic::Code::ResourceExhausted, "RATE_LIMITED".into())
    );
    let wait = retry_after(limited.as_ref().unwrap_err());
    assert!(wait >= Duration::from_secs(1), "whole seconds: {wait:?}");
    app.directory(Some(&other))
        .list_departments(list(None))
        .await
        .expect("another credential has its own rate");
    assert!(
        app.metrics()
            .await
            .contains(r#"yishe_calls_rate_limited_total{role="station_admin"} 1"#)
    );
    tokio::time::sleep(wait).await;
    admin()
        .list_departments(list(None))
        .await
        .expect("served again after the wait");
}

mod sqlite {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn repeated_failures_shut_an_address_out() {
        super::repeated_failures_shut_an_address_out(Engine::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_credential_over_its_rate_waits() {
        super::a_credential_over_its_rate_waits(Engine::Sqlite).await
    }
}

mod postgres {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn repeated_failures_shut_an_address_out() {
        super::repeated_failures_shut_an_address_out(Engine::Postgres).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_credential_over_its_rate_waits() {
        super::a_credential_over_its_rate_waits(Engine::Postgres).await
    }
}
