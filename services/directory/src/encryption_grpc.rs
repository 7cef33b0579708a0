//! The thin tonic adapter of the encryption service.

use tonic::{Request, Response, Status};
use yishe_proto::security::encryption_service_server::EncryptionService as Rpc;
use yishe_proto::security::*;
use yishe_runtime::auth::context;
use yishe_runtime::use_case::run;

use crate::encryption::EncryptionService;

/// The gRPC face of the encryption service.
#[derive(Debug, Clone)]
pub(crate) struct EncryptionGrpc {
    service: EncryptionService,
}

impl EncryptionGrpc {
    pub(crate) fn new(service: EncryptionService) -> Self {
        Self { service }
    }
}

#[tonic::async_trait]
impl Rpc for EncryptionGrpc {
    async fn rotate_encryption_key(
        &self,
        request: Request<RotateEncryptionKeyRequest>,
    ) -> Result<Response<RotateEncryptionKeyResponse>, Status> {
        let ctx = context(&request)?;
        let service = self.service.clone();
        let rotated = run(async move { service.rotate(&ctx).await }).await?;
        Ok(Response::new(RotateEncryptionKeyResponse {
            key_id: rotated.key_id,
            records_to_reencrypt: rotated.records_to_reencrypt,
            algorithm: rotated.algorithm.name().to_owned(),
        }))
    }

    async fn get_encryption_status(
        &self,
        request: Request<GetEncryptionStatusRequest>,
    ) -> Result<Response<GetEncryptionStatusResponse>, Status> {
        context(&request)?;
        let service = self.service.clone();
        let status = run(async move { service.status().await }).await?;
        Ok(Response::new(GetEncryptionStatusResponse {
            current_key_id: status.current_key_id,
            current_algorithm: status.current_algorithm.name().to_owned(),
            keys: status
                .keys
                .into_iter()
                .map(|key| KeyUsage {
                    key_id: key.key_id,
                    records: key.records,
                    algorithm: key
                        .algorithm
                        .map(|a| a.name().to_owned())
                        .unwrap_or_default(),
                })
                .collect(),
        }))
    }
}
