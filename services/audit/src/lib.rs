//! The audit service: the sealer that links committed audit rows into a hash chain,
//! and the auditor's view of the log (list, verify, export). Every read of the log is
//! itself audited.

mod error;
mod grpc;
mod sealer;
mod service;

use yishe_proto::audit::audit_service_server::AuditServiceServer;
use yishe_runtime::Shutdown;
use yishe_store::Store;

pub use error::Error;
pub use grpc::AuditGrpc;
pub use service::AuditService;

/// The full name of the gRPC service, for health checks.
pub const SERVICE_NAME: &str = "yishe.audit.v1.AuditService";

/// Starts the sealer and returns the gRPC server.
pub fn start(store: Store, shutdown: Shutdown) -> AuditServiceServer<AuditGrpc> {
    tokio::spawn(sealer::run(store.clone(), shutdown));
    AuditServiceServer::new(AuditGrpc::new(AuditService::new(store)))
}
