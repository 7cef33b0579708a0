//! The report service: what a station did over a period, per referring department and
//! in total (referrals received and answered, waits, closures by outcome, goals,
//! follow-ups, volunteer tasks) and its workers' caseloads, for the station's
//! supervisors and admins and its auditors. Aggregates only, never patient data.

mod error;
mod grpc;
mod service;

use yishe_proto::report::report_service_server::ReportServiceServer;
use yishe_runtime::{Process, Services, StartError};
use yishe_store::Store;

pub use error::Error;

use crate::grpc::ReportGrpc;
use crate::service::ReportService;

/// What the report service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        Self {
            store: process.store.clone(),
        }
    }
}

/// Adds the gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    services.add(ReportServiceServer::new(ReportGrpc::new(
        ReportService::new(options.store),
    )));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
