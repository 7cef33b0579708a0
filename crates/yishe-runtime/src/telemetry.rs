//! Logging and tracing. Log lines go to standard error, human-readable or JSON,
//! filtered by the configured level (or `RUST_LOG`); each line written inside a call
//! names the call's trace id. Traces go out over OTLP (gRPC) only when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set, under the service name `OTEL_SERVICE_NAME`
//! (or the binary's); an `https://` endpoint is verified against the machine's trusted
//! roots and the CA in `OTEL_EXPORTER_OTLP_CERTIFICATE`, if set. `Telemetry::flush`
//! sends what is still batched once the server drained, within two seconds. Neither
//! carries patient data: spans and log lines hold ids and codes.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

use crate::config::{Config, LogFormat};

/// What is exported as spans (and span events): Yishe's calls, transactions and feed
/// work, at info, independent of `log_level`.
const SPANS: &str = "info";

/// The variable that turns trace export on (OpenTelemetry's own).
pub const OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// What `init` installed; `flush` before the process ends, or spans still batched are
/// lost.
#[derive(Debug, Default)]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
    /// How long the spans still batched may take to go out once the server drained.
    /// The orchestrator's grace (25 s in compose, 30 s on Kubernetes, with its 5 s
    /// preStop) covers the drain (`shutdown_grace_secs`, 20) and this.
    flush_within: Duration,
}

impl Telemetry {
    /// Sends the spans still batched and stops the exporter, waiting at most the
    /// flush window.
    pub async fn flush(self) {
        let within = self.flush_within;
        let Some(traces) = self.traces else {
            return;
        };
        // The SDK blocks while it exports: off the async workers.
        let flushed =
            tokio::task::spawn_blocking(move || traces.shutdown_with_timeout(within)).await;
        if let Ok(Err(error)) = flushed {
            eprintln!("yishe: traces not all exported at shutdown: {error}");
        }
    }
}

/// Installs the global subscriber for the binary `service` (later calls install
/// nothing and export nothing). Call inside the Tokio runtime: the OTLP exporter's
/// connection is driven by it.
pub fn init(config: &Config, service: &str) -> Telemetry {
    use std::io::IsTerminal;
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let fmt = match config.telemetry.log_format {
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
        LogFormat::Human => fmt.boxed(),
    };
    let traces = std::env::var_os(OTLP_ENDPOINT)
        .filter(|endpoint| !endpoint.is_empty())
        .and_then(|_| match tracer_provider(service) {
            Ok(provider) => Some(provider),
            Err(error) => {
                // Said on standard error at once: logging is not up yet.
                eprintln!("yishe: ERROR traces will not be exported: {error}");
                None
            }
        });
    let spans = traces.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("yishe"))
            // Spans at info whatever the log level: an installation that logs only
            // warnings still traces its calls (and each span's events stay at info).
            .with_filter(EnvFilter::new(SPANS))
    });
    let installed = tracing_subscriber::registry()
        .with(fmt.with_filter(filter(config)))
        .with(spans)
        .try_init()
        .is_ok();
    for variable in &config.unknown_variables {
        tracing::warn!(%variable, "a YISHE_ variable names no setting; it is ignored");
    }
    Telemetry {
        traces: traces.filter(|_| installed),
        flush_within: config.server.shutdown_grace().min(Duration::from_secs(2)),
    }
}

/// The configured level, or `RUST_LOG` when it is a valid filter.
fn filter(config: &Config) -> EnvFilter {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(&config.telemetry.log_level))
}

/// Spans batched and sent over OTLP/gRPC to the endpoint the OpenTelemetry variables
/// name (`OTEL_EXPORTER_OTLP_*`, `OTEL_BSP_*`).
fn tracer_provider(service: &str) -> Result<SdkTracerProvider, Box<dyn std::error::Error>> {
    use opentelemetry_otlp::WithTonicConfig as _;
    let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic();
    let endpoint = std::env::var(OTLP_ENDPOINT).unwrap_or_default();
    if endpoint.starts_with("https://") {
        let mut tls = tonic::transport::ClientTlsConfig::new().with_native_roots();
        if let Some(ca) = std::env::var_os("OTEL_EXPORTER_OTLP_CERTIFICATE") {
            let pem = std::fs::read(&ca).map_err(|e| {
                format!(
                    "OTEL_EXPORTER_OTLP_CERTIFICATE {}: {e}",
                    std::path::Path::new(&ca).display()
                )
            })?;
            tls = tls.ca_certificate(tonic::transport::Certificate::from_pem(pem));
        }
        exporter = exporter.with_tls_config(tls);
    }
    let exporter = exporter.build()?;
    let name = std::env::var("OTEL_SERVICE_NAME")
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| service.to_owned());
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(name)
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}
