//! The HTTP side port: `/metrics` for Prometheus and `/healthz` for probes.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use yishe_store::Store;

use crate::metrics::Metrics;
use crate::shutdown::Shutdown;

#[derive(Debug, Clone)]
struct HttpState {
    metrics: Metrics,
    store: Store,
}

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Metrics,
    store: Store,
    shutdown: Shutdown,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
    let app = Router::new()
        .route("/metrics", get(render_metrics))
        .route("/healthz", get(healthz))
        .with_state(HttpState { metrics, store });
    if let Some(tls) = tls {
        return serve_tls(listener, app, tls, shutdown).await;
    }
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await;
    if let Err(error) = result {
        tracing::error!(%error, "metrics listener failed");
    }
}

async fn render_metrics(
    State(state): State<HttpState>,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    (
        StatusCode::OK,
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.scrape().await,
    )
}

async fn healthz(State(state): State<HttpState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n"),
    }
}

/// The same routes over TLS: each accepted connection is handshaken, then served by
/// hyper, until shutdown.
async fn serve_tls(
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Arc<rustls::ServerConfig>,
    shutdown: Shutdown,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait() => return,
        };
        let Ok((tcp, _)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(app);
            let _ =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
        });
    }
}
