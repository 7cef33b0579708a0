//! The referral service: intake from hospital departments, the station's answer
//! (accept, reject, assign, hold, resume, cancel), and the live feed of events that
//! closes the loop back to the referring department.

mod error;
mod feed;
mod grpc;
mod retention;
mod service;
mod sla;

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::{AcceptanceDeadlines, StationId};
use yishe_proto::referral::referral_service_server::ReferralServiceServer;
use yishe_runtime::{Metrics, Shutdown};
use yishe_store::Store;

pub use error::Error;
pub use feed::Feed;
pub use grpc::ReferralGrpc;
pub use retention::purge_expired;
pub use service::ReferralService;

/// The full name of the gRPC service, for health checks.
pub const SERVICE_NAME: &str = "yishe.referral.v1.ReferralService";

/// What the referral service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    /// Where referrals without a station go.
    pub default_station: StationId,
    pub deadlines: AcceptanceDeadlines,
    pub sla_check_interval: Duration,
    /// How long closed referrals keep their patient details.
    pub retention: Duration,
    /// How often the retention job runs.
    pub retention_interval: Duration,
    pub clock: Arc<dyn yishe_domain::Clock>,
    pub shutdown: Shutdown,
}

/// Starts the service's background work (the feed relay and the SLA watch) and
/// returns its gRPC server.
pub fn start(options: Options) -> ReferralServiceServer<ReferralGrpc> {
    let feed = Feed::new(options.store.clone(), options.shutdown.clone());
    let service = ReferralService::new(
        options.store.clone(),
        options.metrics.clone(),
        options.default_station,
        options.deadlines,
        options.clock.clone(),
    );
    tokio::spawn(feed.clone().run_relay(options.metrics));
    tokio::spawn(retention::run(
        options.store.clone(),
        options.clock.clone(),
        options.retention,
        options.retention_interval,
        options.shutdown.clone(),
    ));
    tokio::spawn(sla::run(
        service.clone(),
        options.sla_check_interval,
        options.shutdown,
    ));
    ReferralServiceServer::new(ReferralGrpc::new(service, feed))
}
