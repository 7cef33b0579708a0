//! The directory service: the stations referrals go to, the hospital departments that refer, the station's social
//! workers, and the API keys callers authenticate with; the first-start admin key; and
//! the station admin's control of the encryption keys.

mod bootstrap;
mod encryption;
mod encryption_grpc;
mod error;
mod grpc;
mod idempotency;
mod service;
mod stations;
mod volunteers;

use std::path::PathBuf;

use yishe_proto::directory::directory_service_server::DirectoryServiceServer;
use yishe_proto::security::encryption_service_server::EncryptionServiceServer;
use yishe_runtime::{Process, Services, Shutdown, StartError};
use yishe_store::Store;

pub use bootstrap::{
    ADMIN_KEY_FILE, FirstAdminKey, ensure_admin_key, issue_admin_key, register_station,
};
pub use error::Error;

use crate::encryption::EncryptionService;
use crate::encryption_grpc::EncryptionGrpc;
use crate::grpc::DirectoryGrpc;
use crate::service::DirectoryService;

/// What the directory service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    /// Where the keyring lives, to be rewritten on rotation; `None` when the keys come
    /// from the environment.
    pub key_file: Option<PathBuf>,
    /// The cipher of the keys rotations make.
    pub encryption_algorithm: yishe_store::EncryptionAlgorithm,
    pub shutdown: Shutdown,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        let c = &process.config;
        Self {
            store: process.store.clone(),
            key_file: c.security.key_file(&c.database.data_dir),
            encryption_algorithm: c.security.encryption_algorithm,
            shutdown: process.shutdown.clone(),
        }
    }
}

/// Adds the directory and encryption services, and starts the re-encryption loop.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    let encryption = EncryptionService::new(
        options.store.clone(),
        options.key_file,
        options.encryption_algorithm,
    );
    tokio::spawn(encryption.clone().run_reencryption(options.shutdown));
    services
        .add(DirectoryServiceServer::new(DirectoryGrpc::new(
            DirectoryService::new(options.store),
        )))
        .add(EncryptionServiceServer::new(EncryptionGrpc::new(
            encryption,
        )));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
