//! The station's console, served by Yishe on its own listener: the page under a strict
//! Content-Security-Policy, gRPC-Web to the same services behind the same
//! authentication, permissions and audit as the gRPC port, and a supervisor's and a
//! social worker's day in a real browser (`console/e2e/journey.mjs`).

use std::net::SocketAddr;

use prost::Message as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use yishe_proto::directory::{GetCallerResponse, Role};
use yishe_proto::referral::{GetReferralRequest, Referral};

use crate::support::{Station, TestApp, e2e};

/// A raw HTTP/1.1 exchange on loopback: the status line and headers, and the body
/// (chunked transfer decoded).
async fn exchange(addr: SocketAddr, request: Vec<u8>) -> (String, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let mut body = raw[split..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut decoded = Vec::new();
        let mut rest = body.as_slice();
        loop {
            let line = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..line]).unwrap().trim(), 16)
                    .unwrap();
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[line + 2..line + 2 + size]);
            rest = &rest[line + 2 + size + 2..];
        }
        body = decoded;
    }
    (head, body)
}

pub(crate) async fn get(addr: SocketAddr, path: &str) -> (String, Vec<u8>) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    exchange(addr, request.into_bytes()).await
}

/// A unary gRPC-Web call as a browser sends it: the message in one frame; the answer's
/// message (if any) and its `grpc-status`.
async fn grpc_web(
    addr: SocketAddr,
    path: &str,
    key: Option<&str>,
    message: Vec<u8>,
) -> (Option<Vec<u8>>, String) {
    let mut frame = vec![0u8];
    frame.extend_from_slice(&(message.len() as u32).to_be_bytes());
    frame.extend_from_slice(&message);
    let auth = key
        .map(|k| format!("authorization: Bearer {k}\r\n"))
        .unwrap_or_default();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         content-type: application/grpc-web+proto\r\nx-grpc-web: 1\r\n{auth}\
         content-length: {}\r\n\r\n",
        frame.len()
    )
    .into_bytes();
    request.extend_from_slice(&frame);
    let (head, body) = exchange(addr, request).await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let (mut answer, mut status) = (None, String::new());
    let mut rest = body.as_slice();
    while rest.len() >= 5 {
        let len = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
        let payload = &rest[5..5 + len];
        if rest[0] & 0x80 == 0 {
            answer = Some(payload.to_vec());
        } else {
            let trailers = String::from_utf8_lossy(payload).to_lowercase();
            status = trailers
                .lines()
                .find_map(|l| l.strip_prefix("grpc-status:"))
                .unwrap_or_default()
                .trim()
                .to_owned();
        }
        rest = &rest[5 + len..];
    }
    if status.is_empty() {
        // A refusal before any message comes as headers only ("trailers-only").
        status = head
            .lines()
            .find_map(|l| l.strip_prefix("grpc-status:"))
            .unwrap_or_default()
            .trim()
            .to_owned();
    }
    (answer, status)
}

/// The console's address; `None` (said loudly) where it was not built and the run does
/// not require it.
pub(crate) fn served(app: &TestApp) -> Option<SocketAddr> {
    if app.console_addr.is_none() {
        assert!(
            std::env::var("YISHE_CONSOLE_BUILD").as_deref() != Ok("require"),
            "YISHE_CONSOLE_BUILD=require, yet the console is not served"
        );
        eprintln!("SKIPPED the console's tests: it was not built (Node.js missing)");
    }
    app.console_addr
}

async fn the_page_is_served_under_a_strict_policy(app: TestApp, _station: Station) {
    let Some(addr) = served(&app) else { return };
    let (head, body) = get(addr, "/").await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        head.contains("content-security-policy: default-src 'none'; script-src 'self'")
            && head.contains("connect-src 'self'")
            && head.contains("frame-ancestors 'none'"),
        "{head}"
    );
    assert!(
        head.contains("cache-control: no-store") && !head.contains("access-control-allow-origin")
    );
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("<html lang=\"zh-CN\">"), "{page}");
    // Every script and style the page names is served, cacheable for good.
    let script = page
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a script");
    let (head, _) = get(addr, script).await;
    assert!(
        head.starts_with("http/1.1 200") && head.contains("immutable"),
        "{head}"
    );
    let (head, body) = get(addr, "/console.json").await;
    assert!(head.starts_with("http/1.1 200"));
    let settings: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(settings["timeZone"], "Asia/Shanghai");
    assert_eq!(settings["idleMinutes"], 15);
    for outside in [
        "/assets/..%2F..%2FCargo.toml",
        "/assets/../console.json",
        "/etc/passwd",
    ] {
        let (head, _) = get(addr, outside).await;
        assert!(head.starts_with("http/1.1 404"), "{outside}: {head}");
    }
}

async fn grpc_web_takes_the_same_permissions_and_audit(app: TestApp, station: Station) {
    let Some(addr) = served(&app) else { return };
    let caller = "/yishe.directory.v1.DirectoryService/GetCaller";
    let (answer, status) = grpc_web(addr, caller, Some(&station.worker_key), vec![]).await;
    assert_eq!(status, "0");
    let me = GetCallerResponse::decode(answer.unwrap().as_slice()).unwrap();
    assert_eq!(
        (me.role(), me.display_name.as_str()),
        (Role::SocialWorker, "Wang Fang")
    );
    assert_eq!(me.social_worker_id, station.worker);
    let (_, status) = grpc_web(addr, caller, None, vec![]).await;
    assert_eq!(status, "16", "no key: UNAUTHENTICATED");

    // Native gRPC belongs on the gRPC port (with its TLS and client certificates).
    let native = format!(
        "POST {caller} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         content-type: application/grpc\r\nauthorization: Bearer {}\r\n\
         content-length: 5\r\n\r\n",
        station.worker_key
    );
    let mut request = native.into_bytes();
    request.extend_from_slice(&[0, 0, 0, 0, 0]);
    let (head, _) = exchange(addr, request).await;
    assert!(head.starts_with("http/1.1 415"), "{head}");
    // Another site's page gets no leave to call: no CORS header, even for a valid call.
    let cross = format!(
        "POST {caller} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         origin: https://elsewhere.example\r\ncontent-type: application/grpc-web+proto\r\n\
         authorization: Bearer {}\r\ncontent-length: 5\r\n\r\n",
        station.worker_key
    );
    let mut request = cross.into_bytes();
    request.extend_from_slice(&[0, 0, 0, 0, 0]);
    let (head, _) = exchange(addr, request).await;
    assert!(!head.contains("access-control-allow-origin"), "{head}");
    let (_, status) = grpc_web(
        addr,
        "/yishe.directory.v1.DirectoryService/ListSocialWorkers",
        Some(&station.his_key),
        vec![],
    )
    .await;
    assert_eq!(
        status, "7",
        "an HIS key may not list workers: PERMISSION_DENIED"
    );
    // Nor call in here at all: an HIS calls the gRPC port, where its client
    // certificate may be required (GetCaller is open to it there).
    let (_, status) = grpc_web(addr, caller, Some(&station.his_key), vec![]).await;
    assert_eq!(
        status, "7",
        "an HIS key on the console's port: PERMISSION_DENIED"
    );

    // A read through the console is audited as any other client's.
    let referral = station
        .assigned_referral(&app, "console-1", yishe_proto::common::Priority::Routine)
        .await;
    let read = GetReferralRequest {
        referral_id: referral.id.clone(),
        ..Default::default()
    };
    let (answer, status) = grpc_web(
        addr,
        "/yishe.referral.v1.ReferralService/GetReferral",
        Some(&station.worker_key),
        read.encode_to_vec(),
    )
    .await;
    assert_eq!(status, "0");
    let got =
        yishe_proto::referral::GetReferralResponse::decode(answer.unwrap().as_slice()).unwrap();
    assert_eq!(
        got.referral.map(|r: Referral| r.id),
        Some(referral.id.clone())
    );
    let audited = crate::support::audit_of(&app, &station, &referral.id, "referral.get").await;
    assert!(
        audited
            .iter()
            .any(|r| r.role == "social_worker" && r.outcome == "ok"),
        "{audited:?}"
    );
}

/// Runs the console's browser script `console/e2e/<script>.mjs` (as built, beside its
/// node_modules) with `env`, and asserts it passed; the directory of its screenshots.
pub(crate) async fn in_browser(
    script: &str,
    run_name: &str,
    chromium: &str,
    env: &[(&str, String)],
) -> std::path::PathBuf {
    let build = yishe_console::build_dir().expect("built");
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("console-screenshots")
        .join(run_name.to_lowercase());
    let run = tokio::process::Command::new("node")
        .arg(format!("{build}/e2e/{script}.mjs"))
        .current_dir(build)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("SCREENSHOTS", &shots)
        .env("CHROMIUM", chromium)
        .output()
        .await
        .expect("node runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success() && said.contains(&format!("{script}: passed")),
        "the browser's {script} failed:\n{said}"
    );
    shots
}

/// Debian's Chromium, where the browser journey runs; `None` (said loudly) where it is
/// not installed and the run does not require it.
pub(crate) fn chromium() -> Option<String> {
    let path = std::env::var("YISHE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if std::path::Path::new(&path).exists() && yishe_console::build_dir().is_some() {
        return Some(path);
    }
    let why = if yishe_console::build_dir().is_none() {
        "the console was not built (Node.js missing)"
    } else {
        "no Chromium at /usr/bin/chromium (apt-get install chromium)"
    };
    assert!(
        std::env::var_os("YISHE_REQUIRE_BROWSER").is_none(),
        "YISHE_REQUIRE_BROWSER is set but {why}"
    );
    eprintln!("SKIPPED the console's browser journey: {why}");
    None
}

async fn a_supervisor_and_a_social_worker_in_a_real_browser(app: TestApp, station: Station) {
    let Some(chromium) = chromium() else { return };
    // A supervisor who is a person (plans need one to approve them), and a plan of
    // another case (陈建国's) awaiting approval.
    let (_, supervisor) = yishe_testserver::plans::supervisor(
        &app,
        &station,
        "张督导",
        yishe_proto::directory::CertificationLevel::Intermediate,
    )
    .await;
    let plans = yishe_testserver::plans::PlanEndpoint::of(&app);
    let (_, plan) =
        yishe_testserver::plans::drafted_plan(&app, &station, &plans, "console-plan").await;
    yishe_testserver::plans::submit(&plans, &station.worker_key, &plan).await;
    let his = app.referrals(Some(&station.his_key));
    let mut request = station.referral_request(&station.department, "console-journey");
    request
        .referral
        .as_mut()
        .unwrap()
        .patient
        .as_mut()
        .unwrap()
        .name = "林秀英".into();
    his.clone()
        .create_referral(request)
        .await
        .expect("a new referral");
    let shots = in_browser(
        "journey",
        &format!("{:?}", app.engine),
        &chromium,
        &[
            (
                "CONSOLE_URL",
                format!("http://{}/", app.console_addr.unwrap()),
            ),
            ("SUPERVISOR_KEY", supervisor),
            ("WORKER_KEY", station.worker_key.clone()),
            ("WORKER_NAME", "Wang Fang".into()),
            ("PATIENT", "林秀英".into()),
        ],
    )
    .await;
    for page in [
        "02-inbox",
        "04-supervision",
        "06-phq9-form",
        "07-risk-alert",
        "08-risk-flags",
    ] {
        assert!(
            shots.join(format!("{page}.png")).exists(),
            "screenshot {page}"
        );
    }
}

e2e!(
    the_page_is_served_under_a_strict_policy,
    grpc_web_takes_the_same_permissions_and_audit,
    a_supervisor_and_a_social_worker_in_a_real_browser,
);
