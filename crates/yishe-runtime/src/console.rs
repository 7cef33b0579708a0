//! The station's web console on its own listener (never the metrics port, which ops
//! keep for Prometheus): the files `yishe-console` embeds, `/console.json` with the
//! station's time zone and idle sign-out, and gRPC-Web to the same services behind the
//! same layers as the gRPC port (authentication, permissions, audit, limits). The
//! console is one more client of the contract.
//!
//! The page may load and call only itself: a strict Content-Security-Policy
//! (`connect-src 'self'`), no CORS headers (so no other origin can call in with a
//! browser), and nothing cached that holds patient data.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post_service};
use tokio::net::TcpListener;
use tonic::transport::server::TcpConnectInfo;

use crate::shutdown::Shutdown;

/// What the console reads at start (`/console.json`).
#[derive(Debug, Clone)]
pub struct ConsoleSite {
    pub time_zone: String,
    pub idle_minutes: u32,
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Serves the console until shutdown. `grpc` is the services with their layers.
pub(crate) async fn serve<S>(listener: TcpListener, grpc: S, site: ConsoleSite, shutdown: Shutdown)
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let grpc_web = tower::ServiceBuilder::new()
        .layer(tonic_web::GrpcWebLayer::new())
        .service(grpc);
    let app = Router::new()
        .route("/", get(page))
        .route("/index.html", get(page))
        .route("/console.json", get(settings))
        .route("/assets/{file}", get(asset))
        // Any other method on a two-part path is no call and no file: not found.
        .route(
            "/{service}/{method}",
            post_service(grpc_web).fallback(not_found),
        )
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(site);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait() => return,
        };
        let Ok((tcp, remote)) = accepted else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        // The authentication layer counts failures per address, as on the gRPC port.
        let info = TcpConnectInfo {
            local_addr: tcp.local_addr().ok(),
            remote_addr: Some(remote),
        };
        let app = tower::ServiceBuilder::new()
            .map_request(move |mut request: http::Request<_>| {
                request.extensions_mut().insert(info.clone());
                request
            })
            .service(app.clone());
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service = hyper_util::service::TowerToHyperService::new(app);
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            let connection =
                builder.serve_connection_with_upgrades(hyper_util::rt::TokioIo::new(tcp), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = shutdown.wait() => connection.as_mut().graceful_shutdown(),
            }
        });
    }
}

/// Binds the console's listener, if it is served.
pub(crate) async fn bind(addr: Option<SocketAddr>) -> std::io::Result<Option<TcpListener>> {
    match addr {
        Some(addr) => Ok(Some(TcpListener::bind(addr).await?)),
        None => Ok(None),
    }
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

async fn page() -> Response {
    match yishe_console::asset("/") {
        Some(index) => file(index, false),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            yishe_console::not_built().unwrap_or("the console was not built"),
        )
            .into_response(),
    }
}

async fn asset(Path(file_name): Path<String>) -> Response {
    match yishe_console::asset(&format!("/assets/{file_name}")) {
        Some(found) => file(found, found.immutable),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn file(asset: &'static yishe_console::Asset, immutable: bool) -> Response {
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-store"
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}

async fn settings(State(site): State<ConsoleSite>) -> Response {
    let body = serde_json::json!({
        "timeZone": site.time_zone,
        "idleMinutes": site.idle_minutes,
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Every answer: the page may load and call only itself, is never framed, and leaks
/// no address; an answer without its own caching rule (gRPC-Web, which carries
/// patient data) is not stored.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
