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
use std::sync::Arc;
use std::time::Duration;

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
    /// The hospital's SSO, when configured.
    pub oidc: Option<crate::config::Oidc>,
}

impl ConsoleSite {
    /// The page may load only its own files and call only its own origin, plus the
    /// SSO's token endpoint when sign-in goes through it.
    fn content_security_policy(&self) -> HeaderValue {
        let token = self
            .oidc
            .as_ref()
            .map(|o| format!(" {}", o.token_origin()))
            .unwrap_or_default();
        let policy = format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; \
             connect-src 'self'{token}; img-src 'self' data:; font-src 'self'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        HeaderValue::from_str(&policy).expect("origins are header-safe")
    }
}

/// How the console's listener serves, beside what its page reads.
#[derive(Debug, Clone)]
pub(crate) struct Serving {
    /// TLS with the installation's certificate (no client certificate asked), when it
    /// has one: staff keys never cross the network in clear where the HIS port is TLS.
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
    /// How long calls in flight may finish after a shutdown signal.
    pub(crate) shutdown_grace: Duration,
}

/// Serves the console until shutdown, then lets the calls in flight finish within the
/// grace period. `grpc` is the services with their layers (and `StaffCalls`).
pub(crate) async fn serve<S>(
    listener: TcpListener,
    grpc: S,
    site: ConsoleSite,
    serving: Serving,
    shutdown: Shutdown,
) where
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
        // gRPC-Web only: native gRPC belongs on the gRPC port, with its TLS and client
        // certificates. Any other method on a two-part path is no call and no file.
        .route(
            "/{service}/{method}",
            post_service(grpc_web)
                .route_layer(axum::middleware::from_fn(grpc_web_only))
                .fallback(not_found),
        )
        .fallback(not_found)
        .layer(axum::middleware::map_response_with_state(
            site.content_security_policy(),
            security_headers,
        ))
        .with_state(site);
    let acceptor = serving.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    let connections = tokio_util::task::TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait() => break,
        };
        let (tcp, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, say: wait instead of spinning.
                tracing::warn!(%error, "the console's listener cannot accept");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
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
        let (shutdown, acceptor) = (shutdown.clone(), acceptor.clone());
        connections.spawn(async move {
            match acceptor {
                Some(acceptor) => {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                    else {
                        return;
                    };
                    serve_connection(stream, app, shutdown).await;
                }
                None => serve_connection(tcp, app, shutdown).await,
            }
        });
    }
    // No new connections while the open ones drain: a browser reconnecting is refused
    // at once instead of waiting in the backlog.
    drop(listener);
    connections.close();
    if tokio::time::timeout(serving.shutdown_grace, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("grace period over; closing the console's calls still open");
    }
}

/// How long a browser may take over the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// One browser connection over HTTP/1.1 (what browsers speak to gRPC-Web), until it
/// closes; on shutdown it finishes the call in flight and closes.
async fn serve_connection<I, A>(io: I, app: A, shutdown: Shutdown)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    A: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = Response,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    A::Future: Send + 'static,
{
    let service = hyper_util::service::TowerToHyperService::new(app);
    let mut builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
            .http1_only();
    // A request's head must arrive within the default 30 s (hyper needs a timer).
    builder.http1().timer(hyper_util::rt::TokioTimer::new());
    let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = shutdown.wait() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Refuses anything on a call's path that is not gRPC-Web.
async fn grpc_web_only(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let grpc_web = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc-web"));
    if !grpc_web {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    next.run(request).await
}

/// What the console's port adds to every call, inside the authentication layer (which
/// has named the caller): the calls are station staff's, so an HIS integration (which
/// calls the gRPC port, where a client certificate may be required) is refused rather
/// than let around it; and the gRPC port's per-call deadline, so a call whose answer
/// has not begun within `timeout` gets DEADLINE_EXCEEDED (a stream, once begun, runs on).
#[derive(Debug, Clone)]
pub(crate) struct StaffCalls<S> {
    pub(crate) inner: S,
    pub(crate) timeout: Duration,
}

impl<S> tower::Service<http::Request<tonic::body::Body>> for StaffCalls<S>
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
            Error = Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Infallible>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let his = request
            .extensions()
            .get::<crate::auth::RequestContext>()
            .is_some_and(|ctx| ctx.caller.role == yishe_domain::Role::HisIntegration);
        if his {
            return Box::pin(async {
                Ok(tonic::Status::permission_denied(
                    "the console's port is for station staff; an HIS integration calls the gRPC port",
                )
                .into_http())
            });
        }
        let call = self.inner.call(request);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, call).await {
                Ok(answer) => answer,
                Err(_) => Ok(tonic::Status::deadline_exceeded(
                    "the call took longer than the server's request timeout",
                )
                .into_http()),
            }
        })
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
    let oidc = site.oidc.as_ref().map(|o| {
        serde_json::json!({
            "authorizationEndpoint": o.authorization_endpoint,
            "tokenEndpoint": o.token_endpoint,
            "clientId": o.client_id,
            "scope": o.scope,
        })
    });
    let body = serde_json::json!({
        "timeZone": site.time_zone,
        "idleMinutes": site.idle_minutes,
        "oidc": oidc,
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
async fn security_headers(State(policy): State<HeaderValue>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
