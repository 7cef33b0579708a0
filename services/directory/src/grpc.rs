//! The thin tonic adapter of the directory service: requests converted at the edge,
//! use-cases run to completion, results converted back.

use tonic::{Request, Response, Status};
use yishe_proto::convert::directory as convert;
use yishe_proto::directory::directory_service_server::DirectoryService as Rpc;
use yishe_proto::directory::*;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::service::DirectoryService;

/// The gRPC face of the directory service.
#[derive(Debug, Clone)]
pub(crate) struct DirectoryGrpc {
    service: DirectoryService,
}

impl DirectoryGrpc {
    pub(crate) fn new(service: DirectoryService) -> Self {
        Self { service }
    }
}

#[tonic::async_trait]
impl Rpc for DirectoryGrpc {
    async fn create_department(
        &self,
        request: Request<CreateDepartmentRequest>,
    ) -> Result<Response<CreateDepartmentResponse>, Status> {
        let ctx = context(&request)?;
        let draft = convert::create_department_request(request.into_inner());
        let service = self.service.clone();
        let department = run(async move { service.create_department(&ctx, draft).await }).await?;
        Ok(Response::new(CreateDepartmentResponse {
            department: Some(convert::department_to_proto(&department)),
        }))
    }

    async fn list_departments(
        &self,
        request: Request<ListDepartmentsRequest>,
    ) -> Result<Response<ListDepartmentsResponse>, Status> {
        let ctx = context(&request)?;
        let hospital =
            convert::list_departments_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let departments =
            run(async move { service.list_departments(&ctx, hospital).await }).await?;
        Ok(Response::new(ListDepartmentsResponse {
            departments: departments
                .iter()
                .map(convert::department_to_proto)
                .collect(),
        }))
    }

    async fn create_social_worker(
        &self,
        request: Request<CreateSocialWorkerRequest>,
    ) -> Result<Response<CreateSocialWorkerResponse>, Status> {
        let ctx = context(&request)?;
        let draft = convert::create_worker_request(request.into_inner());
        let service = self.service.clone();
        let worker = run(async move { service.create_worker(&ctx, draft).await }).await?;
        Ok(Response::new(CreateSocialWorkerResponse {
            social_worker: Some(convert::worker_to_proto(&worker)),
        }))
    }

    async fn update_social_worker(
        &self,
        request: Request<UpdateSocialWorkerRequest>,
    ) -> Result<Response<UpdateSocialWorkerResponse>, Status> {
        let ctx = context(&request)?;
        let update =
            convert::update_worker_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let worker = run(async move { service.update_worker(&ctx, update).await }).await?;
        Ok(Response::new(UpdateSocialWorkerResponse {
            social_worker: Some(convert::worker_to_proto(&worker)),
        }))
    }

    async fn list_social_workers(
        &self,
        request: Request<ListSocialWorkersRequest>,
    ) -> Result<Response<ListSocialWorkersResponse>, Status> {
        let ctx = context(&request)?;
        let include_inactive = request.get_ref().include_inactive;
        let service = self.service.clone();
        let workers =
            run(async move { service.list_workers(&ctx, include_inactive).await }).await?;
        Ok(Response::new(ListSocialWorkersResponse {
            social_workers: workers.iter().map(convert::worker_to_proto).collect(),
        }))
    }

    async fn create_api_key(
        &self,
        request: Request<CreateApiKeyRequest>,
    ) -> Result<Response<CreateApiKeyResponse>, Status> {
        let ctx = context(&request)?;
        let draft = convert::create_key_request(request.into_inner());
        let service = self.service.clone();
        let (key, secret) = run(async move { service.create_api_key(&ctx, draft).await }).await?;
        Ok(Response::new(CreateApiKeyResponse {
            api_key: Some(convert::key_to_proto(&key)),
            secret,
        }))
    }

    async fn list_api_keys(
        &self,
        request: Request<ListApiKeysRequest>,
    ) -> Result<Response<ListApiKeysResponse>, Status> {
        context(&request)?;
        let include_revoked = request.get_ref().include_revoked;
        let service = self.service.clone();
        let keys = run(async move { service.list_api_keys(include_revoked).await }).await?;
        Ok(Response::new(ListApiKeysResponse {
            api_keys: keys.iter().map(convert::key_to_proto).collect(),
        }))
    }

    async fn revoke_api_key(
        &self,
        request: Request<RevokeApiKeyRequest>,
    ) -> Result<Response<RevokeApiKeyResponse>, Status> {
        let ctx = context(&request)?;
        let id = convert::revoke_key_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let key = run(async move { service.revoke_api_key(&ctx, id).await }).await?;
        Ok(Response::new(RevokeApiKeyResponse {
            api_key: Some(convert::key_to_proto(&key)),
        }))
    }
}
