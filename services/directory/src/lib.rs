//! The directory service: the hospital departments that refer, the station's social
//! workers, and the API keys callers authenticate with; the first-start admin key; and
//! the station admin's control of the encryption keys.

mod bootstrap;
mod encryption;
mod encryption_grpc;
mod error;
mod grpc;
mod service;

use yishe_proto::directory::directory_service_server::DirectoryServiceServer;
use yishe_store::Store;

pub use bootstrap::{ADMIN_KEY_FILE, FirstAdminKey, ensure_admin_key};
pub use encryption::{EncryptionService, EncryptionStatus};
pub use encryption_grpc::EncryptionGrpc;
pub use error::Error;
pub use grpc::DirectoryGrpc;
pub use service::DirectoryService;

/// The full name of the gRPC service, for health checks.
pub const SERVICE_NAME: &str = "yishe.directory.v1.DirectoryService";

/// The full name of the encryption service, for health checks.
pub const ENCRYPTION_SERVICE_NAME: &str = "yishe.security.v1.EncryptionService";

/// The encryption service over `store` (keys in `key_file`, or from the environment
/// when `None`); starts the re-encryption loop.
pub fn start_encryption(
    store: Store,
    key_file: Option<std::path::PathBuf>,
    shutdown: yishe_runtime::Shutdown,
) -> yishe_proto::security::encryption_service_server::EncryptionServiceServer<EncryptionGrpc> {
    let service = EncryptionService::new(store, key_file);
    tokio::spawn(service.clone().run_reencryption(shutdown));
    yishe_proto::security::encryption_service_server::EncryptionServiceServer::new(
        EncryptionGrpc::new(service),
    )
}

/// The directory's gRPC server over `store`.
pub fn start(store: Store) -> DirectoryServiceServer<DirectoryGrpc> {
    DirectoryServiceServer::new(DirectoryGrpc::new(DirectoryService::new(store)))
}
