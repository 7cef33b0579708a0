//! Signing in to the console through the hospital's SSO: a stand-in identity provider
//! (OpenID Connect's authorization code flow with PKCE: it sends the browser back with
//! a code, and exchanges the code for a staff token only with the verifier whose S256
//! challenge came with it), and the console in Chromium going there and back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use sha2::Digest as _;
use yishe_proto::directory::Role;
use yishe_testserver::{Engine, Station, TestApp};

/// The stand-in IdP: challenges by code, the token it hands out, and how many codes it
/// exchanged.
#[derive(Clone, Default)]
struct Idp {
    challenges: Arc<Mutex<HashMap<String, (String, String)>>>,
    token: Arc<Mutex<String>>,
    exchanged: Arc<std::sync::atomic::AtomicUsize>,
}

fn form(text: &str) -> HashMap<String, String> {
    form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

/// Signs the person in at once and sends them back with a code.
async fn authorize(State(idp): State<Idp>, RawQuery(query): RawQuery) -> Response {
    let q = form(&query.unwrap_or_default());
    let ok = q.get("response_type").map(String::as_str) == Some("code")
        && q.get("client_id").map(String::as_str) == Some("yishe-console")
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        // Asked who is there each time: no silent sign-in as the previous person.
        && q.get("prompt").map(String::as_str) == Some("login");
    let (Some(redirect), Some(state), Some(challenge)) = (
        q.get("redirect_uri"),
        q.get("state"),
        q.get("code_challenge"),
    ) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if !ok {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let code = format!("code-{}", state.len());
    idp.challenges
        .lock()
        .unwrap()
        .insert(code.clone(), (challenge.clone(), redirect.clone()));
    let back = format!("{redirect}?code={code}&state={state}");
    (StatusCode::FOUND, [(header::LOCATION, back)]).into_response()
}

/// The code for the token, only with the verifier of the code's challenge.
async fn token(State(idp): State<Idp>, headers: HeaderMap, body: String) -> Response {
    let f = form(&body);
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let cors = [(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)];
    let known = f
        .get("code")
        .and_then(|code| idp.challenges.lock().unwrap().remove(code));
    let verified = match (known, f.get("code_verifier")) {
        (Some((challenge, redirect)), Some(verifier)) => {
            let digest = sha2::Sha256::digest(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
                && f.get("redirect_uri") == Some(&redirect)
                && f.get("grant_type").map(String::as_str) == Some("authorization_code")
        }
        _ => false,
    };
    if !verified {
        return (StatusCode::BAD_REQUEST, cors, "invalid_grant").into_response();
    }
    idp.exchanged
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let token = idp.token.lock().unwrap().clone();
    let body =
        serde_json::json!({ "access_token": token, "token_type": "Bearer", "expires_in": 600 });
    (
        cors,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn a_supervisor_signs_in_through_the_hospitals_sso(engine: Engine) {
    let Some(chromium) = crate::console::chromium() else {
        return;
    };
    let idp = Idp::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let idp_addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(idp.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let Some(app) = TestApp::spawn_with(engine, |c| {
        c.console.oidc_authorization_endpoint = format!("http://{idp_addr}/authorize");
        c.console.oidc_token_endpoint = format!("http://{idp_addr}/token");
        c.console.oidc_client_id = "yishe-console".into();
    })
    .await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    *idp.token.lock().unwrap() = station.token(Role::Supervisor);
    let Some(console) = crate::console::served(&app) else {
        return;
    };

    // The page may call the token endpoint, and learns where to sign in.
    let (head, body) = crate::console::get(console, "/console.json").await;
    assert!(
        head.contains(&format!("connect-src 'self' http://{idp_addr};")),
        "{head}"
    );
    let settings: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(settings["oidc"]["clientId"], "yishe-console");

    crate::console::in_browser(
        "sso",
        &format!("{engine:?}-sso"),
        &chromium,
        &[("CONSOLE_URL", format!("http://{console}/"))],
    )
    .await;
    assert_eq!(
        idp.exchanged.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the code was exchanged, once"
    );
    assert!(idp.challenges.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_supervisor_signs_in_through_the_hospitals_sso() {
    a_supervisor_signs_in_through_the_hospitals_sso(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_supervisor_signs_in_through_the_hospitals_sso() {
    a_supervisor_signs_in_through_the_hospitals_sso(Engine::Postgres).await;
}
