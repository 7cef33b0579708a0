//! Staff tokens from an identity provider: accepted when signed by a trusted key with
//! an accepted algorithm for this issuer and audience, within their validity (60 s of
//! skew); refused with UNAUTHENTICATED otherwise.

use crate::support::{Station, TestApp, code, create_referral, e2e};
use serde_json::json;
use yishe_proto::referral::{GetReferralRequest, ListReferralsRequest};
use yishe_testserver::tokens::{Signer, mint};

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn list_with(app: &TestApp, token: &str) -> tonic::Code {
    code(
        &app.referrals(Some(token))
            .list_referrals(ListReferralsRequest::default())
            .await,
    )
}

fn supervisor(signer: Signer, extra: serde_json::Value) -> String {
    let mut claims = json!({ "role": "supervisor", "station": "s1" });
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    mint(signer, "zhang.supervisor", claims)
}

async fn tokens_signed_by_each_trusted_algorithm_are_accepted(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    for signer in Signer::TRUSTED {
        let token = supervisor(signer, json!({}));
        let read = app
            .referrals(Some(&token))
            .get_referral(GetReferralRequest {
                referral_id: created.id.clone(),
                ..Default::default()
            })
            .await;
        assert_eq!(code(&read), tonic::Code::Ok, "{signer:?}");
    }
    // A little clock skew is tolerated.
    let skewed = supervisor(
        Signer::Ed25519,
        json!({ "exp": now() - 20, "nbf": now() + 20 }),
    );
    assert_eq!(list_with(&app, &skewed).await, tonic::Code::Ok);
}

async fn bad_tokens_are_unauthenticated(app: TestApp, _station: Station) {
    let cases = [
        (
            "wrong audience",
            supervisor(Signer::Ed25519, json!({ "aud": "another-service" })),
        ),
        (
            "wrong issuer",
            supervisor(Signer::Ed25519, json!({ "iss": "https://evil.test" })),
        ),
        (
            "expired",
            supervisor(
                Signer::Ed25519,
                json!({ "exp": now() - 120, "nbf": now() - 600 }),
            ),
        ),
        (
            "not yet valid",
            supervisor(
                Signer::Ed25519,
                json!({ "nbf": now() + 120, "exp": now() + 600 }),
            ),
        ),
        ("unknown key", supervisor(Signer::Unknown, json!({}))),
        (
            "unknown role",
            mint(
                Signer::Ed25519,
                "x",
                json!({ "role": "superuser", "station": "s1" }),
            ),
        ),
        (
            "no role",
            mint(Signer::Ed25519, "x", json!({ "station": "s1" })),
        ),
        (
            "worker without worker id",
            mint(
                Signer::Ed25519,
                "x",
                json!({ "role": "social_worker", "station": "s1" }),
            ),
        ),
    ];
    for (why, token) in cases {
        assert_eq!(
            list_with(&app, &token).await,
            tonic::Code::Unauthenticated,
            "{why}"
        );
    }
    // An algorithm Yishe does not accept (a shared secret), even with a known kid.
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("ed".into());
    let mut claims = yishe_testserver::tokens::valid_claims("x");
    claims["role"] = json!("supervisor");
    claims["station"] = json!("s1");
    let hs = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"a-shared-secret-of-thirty-two-by").unwrap(),
    )
    .unwrap();
    assert_eq!(
        list_with(&app, &hs).await,
        tonic::Code::Unauthenticated,
        "HS256"
    );
    assert_eq!(
        list_with(&app, "not.a.token").await,
        tonic::Code::Unauthenticated,
        "garbage"
    );
}

async fn a_token_carries_the_scope_of_its_claims(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let his = station.token(yishe_proto::directory::Role::HisIntegration);
    let read = app
        .referrals(Some(&his))
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(&read), tonic::Code::Ok);
    let other_department = mint(
        Signer::Es256,
        "ped-his",
        json!({ "role": "his_integration", "hospital": "h1", "departments": [station.other_department] }),
    );
    let hidden = app
        .referrals(Some(&other_department))
        .get_referral(GetReferralRequest {
            referral_id: created.id,
            ..Default::default()
        })
        .await;
    assert_eq!(code(&hidden), tonic::Code::NotFound);
}

e2e!(
    tokens_signed_by_each_trusted_algorithm_are_accepted,
    bad_tokens_are_unauthenticated,
    a_token_carries_the_scope_of_its_claims,
);
