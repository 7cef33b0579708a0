//! The gRPC server every Yishe binary runs: listeners bound first (tests use port 0),
//! health and reflection beside the services, the layer stack (metrics, load shedding,
//! authentication), per-call timeouts, and a graceful drain on shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::RoutesBuilder;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use yishe_store::Store;

use crate::auth::{AuthLayer, Authenticator};
use crate::grpc_metrics::GrpcMetricsLayer;
use crate::load_shed::LoadShedLayer;
use crate::metrics::Metrics;
use crate::shutdown::Shutdown;

/// What a binary hands to the server.
#[derive(Debug)]
pub struct App {
    /// The services, already added.
    pub routes: RoutesBuilder,
    /// Their full names, for the health service (`yishe.referral.v1.ReferralService`).
    pub service_names: Vec<&'static str>,
    pub store: Store,
    pub metrics: Metrics,
    pub authenticator: Arc<dyn Authenticator>,
    pub limits: Arc<crate::auth::CallerLimits>,
    pub clock: Arc<dyn yishe_domain::Clock>,
    pub request_timeout: Duration,
    pub max_concurrent_requests: usize,
    pub shutdown_grace: Duration,
    /// How long a client connection may live before it is asked to reconnect, and the
    /// grace its calls then get.
    pub max_connection_age: Option<(Duration, Duration)>,
    pub shutdown: Shutdown,
    /// TLS for the gRPC listener (and mutual TLS when it verifies client certificates).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// TLS for the metrics listener.
    pub metrics_tls: Option<Arc<rustls::ServerConfig>>,
    /// What the console's page reads, when the console is served.
    pub console: crate::console::ConsoleSite,
    /// TLS for the console's listener (no client certificate asked).
    pub console_tls: Option<Arc<rustls::ServerConfig>>,
}

/// Bound listeners, ready to serve.
#[derive(Debug)]
pub struct Listeners {
    grpc: TcpListener,
    http: TcpListener,
    /// The station's web console, when served.
    console: Option<TcpListener>,
}

impl Listeners {
    pub async fn bind(
        grpc: SocketAddr,
        http: SocketAddr,
        console: Option<SocketAddr>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            grpc: TcpListener::bind(grpc).await?,
            http: TcpListener::bind(http).await?,
            console: crate::console::bind(console).await?,
        })
    }

    /// The console's address, when it is served.
    pub fn console_addr(&self) -> Option<SocketAddr> {
        self.console
            .as_ref()
            .map(|l| l.local_addr().expect("bound listener"))
    }

    pub fn grpc_addr(&self) -> SocketAddr {
        self.grpc.local_addr().expect("bound listener")
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http.local_addr().expect("bound listener")
    }

    /// Serves until shutdown is triggered, then drains for at most the grace period.
    pub async fn serve(self, app: App) -> Result<(), tonic::transport::Error> {
        let App {
            mut routes,
            service_names,
            store,
            metrics,
            authenticator,
            limits,
            clock,
            request_timeout,
            max_concurrent_requests,
            shutdown_grace,
            max_connection_age,
            shutdown,
            tls,
            metrics_tls,
            console,
            console_tls,
        } = app;

        let (reporter, health) = tonic_health::server::health_reporter();
        for name in &service_names {
            reporter
                .set_service_status(*name, ServingStatus::Serving)
                .await;
        }
        // google.rpc's error details too, so a tool reading the reflection (grpcurl)
        // shows an error's ErrorInfo, BadRequest and LocalizedMessage decoded.
        let reflection_v1 = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(yishe_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1()
            .expect("the descriptor sets are valid");
        let reflection_v1alpha = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(yishe_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1alpha()
            .expect("the descriptor sets are valid");
        routes
            .add_service(health)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha);

        // Outermost first: the caller's language for every error below it; metrics
        // see the final status.
        let layers = tower::ServiceBuilder::new()
            .layer(crate::call_span::CallSpanLayer)
            .layer(crate::locale::LocaleLayer)
            .layer(GrpcMetricsLayer::new(metrics.clone()))
            .layer(crate::oversize::OversizeLayer)
            .layer(LoadShedLayer::new(max_concurrent_requests))
            .layer(AuthLayer::new(authenticator, limits, store.clone(), clock));

        let http_task = tokio::spawn(crate::http::serve(
            self.http,
            metrics,
            store,
            shutdown.clone(),
            metrics_tls,
        ));

        let drain_signal = {
            let shutdown = shutdown.clone();
            async move {
                shutdown.wait().await;
                // Probes see NOT_SERVING while in-flight calls finish.
                reporter
                    .set_service_status("", ServingStatus::NotServing)
                    .await;
                for name in &service_names {
                    reporter
                        .set_service_status(*name, ServingStatus::NotServing)
                        .await;
                }
            }
        };
        let mut server = tonic::transport::Server::builder()
            .timeout(request_timeout)
            .http2_keepalive_interval(Some(Duration::from_secs(30)));
        if let Some((age, grace)) = max_connection_age {
            server = server
                .max_connection_age(age)
                .max_connection_age_grace(grace);
        }
        let routes = routes.routes();
        // The console's gRPC-Web reaches the same services behind the same layers.
        let console_task = self.console.map(|listener| {
            tokio::spawn(crate::console::serve(
                listener,
                layers.clone().service(crate::console::StaffCalls {
                    inner: routes.clone(),
                    timeout: request_timeout,
                }),
                console,
                crate::console::Serving {
                    tls: console_tls,
                    shutdown_grace,
                },
                shutdown.clone(),
            ))
        });
        let router = server.layer(layers).add_routes(routes);
        type Serving = std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(), tonic::transport::Error>> + Send>,
        >;
        let serving: Serving = match tls {
            None => {
                let incoming = TcpIncoming::from(self.grpc).with_nodelay(Some(true));
                Box::pin(router.serve_with_incoming_shutdown(incoming, drain_signal))
            }
            Some(tls) => {
                let incoming = tls_incoming(self.grpc, tls);
                Box::pin(router.serve_with_incoming_shutdown(incoming, drain_signal))
            }
        };

        let result = tokio::select! {
            result = serving => result,
            _ = async { shutdown.wait().await; tokio::time::sleep(shutdown_grace).await } => {
                tracing::warn!("grace period over; closing the calls still open");
                Ok(())
            }
        };
        let _ = http_task.await;
        if let Some(console_task) = console_task {
            let _ = console_task.await;
        }
        result
    }
}

/// How long a client may take over the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// TLS connections, each handshaken in a task of its own so that one slow client does
/// not hold up the others; ends when the server stops taking connections.
fn tls_incoming(
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
) -> tokio_stream::wrappers::ReceiverStream<
    std::io::Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>>,
> {
    let (sender, receiver) = tokio::sync::mpsc::channel(64);
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = sender.closed() => return,
            };
            let Ok((tcp, _)) = accepted else { continue };
            let _ = tcp.set_nodelay(true);
            let (acceptor, sender) = (acceptor.clone(), sender.clone());
            tokio::spawn(async move {
                if let Ok(Ok(stream)) =
                    tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                {
                    let _ = sender.send(Ok(stream)).await;
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}
