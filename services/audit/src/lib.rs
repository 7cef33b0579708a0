//! The audit service: the sealer that links committed audit rows into a hash chain,
//! and the auditor's view of the log (list, verify, export). Every read of the log is
//! itself audited.

mod error;
mod grpc;
mod sealer;
mod service;

use yishe_proto::audit::audit_service_server::AuditServiceServer;
use yishe_runtime::{Process, Services, Shutdown, StartError};
use yishe_store::Store;

pub use error::Error;

use crate::grpc::AuditGrpc;
use crate::service::AuditService;

/// What the audit service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub shutdown: Shutdown,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        Self {
            store: process.store.clone(),
            shutdown: process.shutdown.clone(),
        }
    }
}

/// Starts the sealer and adds the gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    tokio::spawn(sealer::run(options.store.clone(), options.shutdown));
    services.add(AuditServiceServer::new(AuditGrpc::new(AuditService::new(
        options.store,
    ))));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
