//! The follow-up service (跟进/随访): contacts with the patient or family (the first one
//! and every shared progress note reach the referring department), and follow-ups the
//! station schedules, marked overdue and escalated to the supervisors by the server
//! itself when their time passes.

mod error;
mod grpc;
mod metrics;
mod service;
mod watch;

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::Clock;
use yishe_proto::followup::follow_up_service_server::FollowUpServiceServer;
use yishe_runtime::{Metrics, Process, Services, Shutdown, StartError};
use yishe_store::Store;

pub use error::Error;

use crate::grpc::FollowUpGrpc;
use crate::metrics::FollowUpMetrics;
use crate::service::FollowUpService;

/// What the follow-up service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    pub clock: Arc<dyn Clock>,
    /// How often the overdue watch looks (the SLA watch's interval).
    pub check_interval: Duration,
    pub shutdown: Shutdown,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        Self {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            clock: process.clock.clone(),
            check_interval: process.config.referral.sla_check_interval(),
            shutdown: process.shutdown.clone(),
        }
    }
}

/// Starts the overdue watch and adds the gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    let metrics = FollowUpMetrics::register(&options.metrics, options.store.clone());
    let service = FollowUpService::new(options.store, metrics);
    tokio::spawn(watch::run(
        service.clone(),
        options.clock,
        options.check_interval,
        options.shutdown,
    ));
    services.add(FollowUpServiceServer::new(FollowUpGrpc::new(service)));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
