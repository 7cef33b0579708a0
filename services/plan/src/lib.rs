//! The plan service (计划): a referral's service plan in versions, approved by a
//! supervisor who did not write it before any intervention starts; the interventions'
//! states and the progress on each goal, with instrument targets read from the
//! referral's later assessments; and the volunteer tasks teams carry out for them.

mod error;
mod grpc;
mod metrics;
mod overdue;
mod reading;
mod service;
mod steps;
mod tasks;
mod work;

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::Clock;
use yishe_proto::plan::plan_service_server::PlanServiceServer;
use yishe_runtime::{Metrics, Process, Services, Shutdown, StartError};
use yishe_store::Store;

pub use error::Error;

use crate::grpc::PlanGrpc;
use crate::metrics::PlanMetrics;
use crate::service::PlanService;

/// What the plan service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    pub clock: Arc<dyn Clock>,
    /// How often the overdue watch looks for tasks unclaimed past their deadline (the
    /// SLA watch's interval).
    pub task_check_interval: Duration,
    pub shutdown: Shutdown,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        Self {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            clock: process.clock.clone(),
            task_check_interval: process.config.referral.sla_check_interval(),
            shutdown: process.shutdown.clone(),
        }
    }
}

/// Starts the overdue watch of volunteer tasks and adds the gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    let metrics = PlanMetrics::register(
        &options.metrics,
        options.store.clone(),
        options.clock.clone(),
    );
    let service = PlanService::new(options.store, metrics);
    tokio::spawn(overdue::run(
        service.clone(),
        options.clock,
        options.task_check_interval,
        options.shutdown,
    ));
    services.add(PlanServiceServer::new(PlanGrpc::new(service)));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
