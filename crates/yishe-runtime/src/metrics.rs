//! The Prometheus registry of a process: the gRPC RED metrics under the names ops
//! dashboards know, and a place for each service to register its own metrics and the
//! gauges it refreshes at each scrape. Labels are method names, codes, priorities,
//! reasons and statuses: never an id or anything about a patient.

use std::sync::{Arc, Mutex};

use prometheus::core::Collector;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

/// Work run before each scrape, such as reading a gauge's counts from the database.
pub type ScrapeHook =
    Arc<dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Send + Sync>;

/// The metrics of one process.
#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub grpc_started: IntCounterVec,
    pub grpc_handled: IntCounterVec,
    pub grpc_handling_seconds: HistogramVec,
    scrape_hooks: Arc<Mutex<Vec<ScrapeHook>>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The label values of a metric registered without labels.
pub const NO_LABELS: &[&str] = &[];

/// Buckets for waits measured in hours and days (time to accept, to acknowledge).
pub const HUMAN_WAIT_BUCKETS: &[f64] = &[
    60.0,
    300.0,
    900.0,
    1800.0,
    3600.0,
    4.0 * 3600.0,
    12.0 * 3600.0,
    24.0 * 3600.0,
    72.0 * 3600.0,
    7.0 * 24.0 * 3600.0,
];

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let method = &["grpc_service", "grpc_method"];
        let metrics = Self {
            grpc_started: IntCounterVec::new(
                Opts::new("grpc_server_started_total", "RPCs started on the server."),
                method,
            )
            .expect("valid metric"),
            grpc_handled: IntCounterVec::new(
                Opts::new(
                    "grpc_server_handled_total",
                    "RPCs completed on the server, by code.",
                ),
                &["grpc_service", "grpc_method", "grpc_code"],
            )
            .expect("valid metric"),
            grpc_handling_seconds: HistogramVec::new(
                HistogramOpts::new(
                    "grpc_server_handling_seconds",
                    "Time until the server answered an RPC (for streams: until the stream opened).",
                )
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ]),
                method,
            )
            .expect("valid metric"),
            registry,
            scrape_hooks: Arc::default(),
        };
        metrics.register(metrics.grpc_started.clone());
        metrics.register(metrics.grpc_handled.clone());
        metrics.register(metrics.grpc_handling_seconds.clone());
        // Which build answers: a dashboard shows a rolling upgrade as two versions.
        metrics
            .gauge(
                "yishe_build_info",
                "Always 1; the version of Yishe this process runs.",
                &["version"],
            )
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        metrics
    }

    /// Registers a collector and returns it. A name registered twice is a wiring bug.
    pub fn register<C: Collector + Clone + 'static>(&self, collector: C) -> C {
        self.registry
            .register(Box::new(collector.clone()))
            .expect("each metric is registered once");
        collector
    }

    /// A counter with `labels`, registered. One without labels is exported from the
    /// start, at zero.
    pub fn counter(&self, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
        let counter =
            self.register(IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric"));
        if labels.is_empty() {
            counter.with_label_values(NO_LABELS);
        }
        counter
    }

    /// A gauge with `labels`, registered. One without labels is exported from the
    /// start, at zero.
    pub fn gauge(&self, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
        let gauge =
            self.register(IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric"));
        if labels.is_empty() {
            gauge.with_label_values(NO_LABELS);
        }
        gauge
    }

    /// A histogram with `labels` and `buckets`, registered. One without labels is
    /// exported from the start, empty.
    pub fn histogram(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
        buckets: &[f64],
    ) -> HistogramVec {
        let opts = HistogramOpts::new(name, help).buckets(buckets.to_vec());
        let histogram = self.register(HistogramVec::new(opts, labels).expect("valid metric"));
        if labels.is_empty() {
            histogram.with_label_values(NO_LABELS);
        }
        histogram
    }

    /// Runs `hook` before each scrape (to read a gauge fresh).
    pub fn on_scrape<F, Fut>(&self, hook: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let hook: ScrapeHook = Arc::new(move || Box::pin(hook()));
        self.scrape_hooks.lock().expect("hooks lock").push(hook);
    }

    /// The registry in the Prometheus text format, after every scrape hook ran.
    pub async fn scrape(&self) -> String {
        let hooks = self.scrape_hooks.lock().expect("hooks lock").clone();
        for hook in hooks {
            hook().await;
        }
        let mut out = String::new();
        prometheus::TextEncoder::new()
            .encode_utf8(&self.registry.gather(), &mut out)
            .expect("text encoding cannot fail");
        out
    }
}
