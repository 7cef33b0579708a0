//! The thin tonic adapter of the directory service.

use crate::service::{DepartmentDraft, DirectoryService, KeyDraft, WorkerDraft, WorkerMask};
use tonic::{Request, Response, Status};
use yishe_proto::convert::directory as convert;
use yishe_proto::directory::directory_service_server::DirectoryService as Rpc;
use yishe_proto::directory::*;
use yishe_runtime::auth::context;
use yishe_runtime::use_case::run;

/// The gRPC face of the directory service.
#[derive(Debug, Clone)]
pub struct DirectoryGrpc {
    service: DirectoryService,
}

impl DirectoryGrpc {
    pub fn new(service: DirectoryService) -> Self {
        Self { service }
    }
}

fn worker_draft(w: &SocialWorker) -> WorkerDraft {
    WorkerDraft {
        display_name: w.display_name.clone(),
        level: convert::certification_level(w.certification_level),
        caseload_limit: w.caseload_limit,
        active: w.active,
    }
}

#[tonic::async_trait]
impl Rpc for DirectoryGrpc {
    async fn create_department(
        &self,
        request: Request<CreateDepartmentRequest>,
    ) -> Result<Response<CreateDepartmentResponse>, Status> {
        let ctx = context(&request)?;
        let d = request.into_inner().department.unwrap_or_default();
        let draft = DepartmentDraft {
            hospital_id: d.hospital_id,
            code: d.code,
            name: d.name,
        };
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
        let service = self.service.clone();
        let hospital = request.into_inner().hospital_id;
        let departments =
            run(async move { service.list_departments(&ctx, &hospital).await }).await?;
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
        let draft = worker_draft(&request.into_inner().social_worker.unwrap_or_default());
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
        let r = request.into_inner();
        let w = r.social_worker.unwrap_or_default();
        let mask = WorkerMask::parse(&r.update_mask.map(|m| m.paths).unwrap_or_default())
            .map_err(|error| yishe_runtime::status::of(&error))?;
        let draft = worker_draft(&w);
        let service = self.service.clone();
        let worker = run(async move {
            service
                .update_worker(&ctx, &w.id, &w.etag, draft, mask)
                .await
        })
        .await?;
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
        let k = request.into_inner().api_key.unwrap_or_default();
        let draft = KeyDraft {
            display_name: k.display_name,
            role: convert::role(k.role),
            hospital_id: k.hospital_id,
            department_ids: k.department_ids,
            social_worker_id: k.social_worker_id,
            certificate_subject: k.certificate_subject,
            read_only: k.read_only,
        };
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
        let id = request.into_inner().api_key_id;
        let service = self.service.clone();
        let key = run(async move { service.revoke_api_key(&ctx, &id).await }).await?;
        Ok(Response::new(RevokeApiKeyResponse {
            api_key: Some(convert::key_to_proto(&key)),
        }))
    }
}
