//! The plan service (计划): a referral's service plan in versions, approved by a
//! supervisor who did not write it before any intervention starts; the interventions'
//! states and the progress on each goal, with instrument targets read from the
//! referral's later assessments.

mod error;
mod grpc;
mod metrics;
mod reading;
mod service;
mod steps;
mod work;

use yishe_proto::plan::plan_service_server::PlanServiceServer;
use yishe_runtime::{Metrics, Process, Services, StartError};
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
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        Self {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
        }
    }
}

/// Adds the gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    let metrics = PlanMetrics::register(&options.metrics);
    let service = PlanService::new(options.store, metrics);
    services.add(PlanServiceServer::new(PlanGrpc::new(service)));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
