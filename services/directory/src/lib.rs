//! The directory service: the hospital departments that refer, the station's social
//! workers, and the API keys callers authenticate with; plus the first-start admin key.

mod bootstrap;
mod error;
mod grpc;
mod service;

use yishe_proto::directory::directory_service_server::DirectoryServiceServer;
use yishe_store::Store;

pub use bootstrap::{ADMIN_KEY_FILE, FirstAdminKey, ensure_admin_key};
pub use error::Error;
pub use grpc::DirectoryGrpc;
pub use service::{DepartmentDraft, DirectoryService, KeyDraft, WorkerDraft, WorkerMask};

/// The full name of the gRPC service, for health checks.
pub const SERVICE_NAME: &str = "yishe.directory.v1.DirectoryService";

/// The directory's gRPC server over `store`.
pub fn start(store: Store) -> DirectoryServiceServer<DirectoryGrpc> {
    DirectoryServiceServer::new(DirectoryGrpc::new(DirectoryService::new(store)))
}
