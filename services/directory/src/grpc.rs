//! The thin tonic adapter of the directory service: requests converted at the edge,
//! use-cases run to completion, results converted back.

use tonic::{Request, Response, Status};
use yishe_proto::convert::directory as convert;
use yishe_proto::directory::directory_service_server::DirectoryService as Rpc;
use yishe_proto::directory::*;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::idempotency::request_id;
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
    async fn get_station(
        &self,
        request: Request<GetStationRequest>,
    ) -> Result<Response<GetStationResponse>, Status> {
        context(&request)?;
        let id = convert::get_station_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let station = run(async move { service.get_station(&id).await }).await?;
        Ok(Response::new(GetStationResponse {
            station: Some(convert::station_to_proto(&station)),
        }))
    }

    async fn list_stations(
        &self,
        request: Request<ListStationsRequest>,
    ) -> Result<Response<ListStationsResponse>, Status> {
        context(&request)?;
        let r = request.into_inner();
        let page = convert::page_request(r.page_size, &r.page_token).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list_stations(page).await }).await?;
        Ok(Response::new(ListStationsResponse {
            stations: page.items.iter().map(convert::station_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn update_station(
        &self,
        request: Request<UpdateStationRequest>,
    ) -> Result<Response<UpdateStationResponse>, Status> {
        let ctx = context(&request)?;
        let update =
            convert::update_station_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let station = run(async move { service.update_station(&ctx, update).await }).await?;
        Ok(Response::new(UpdateStationResponse {
            station: Some(convert::station_to_proto(&station)),
        }))
    }

    async fn create_department(
        &self,
        request: Request<CreateDepartmentRequest>,
    ) -> Result<Response<CreateDepartmentResponse>, Status> {
        let ctx = context(&request)?;
        let (draft, id) = convert::create_department_request(request.into_inner());
        let id = request_id(&id).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let department =
            run(async move { service.create_department(&ctx, draft, id).await }).await?;
        Ok(Response::new(CreateDepartmentResponse {
            department: Some(convert::department_to_proto(&department)),
        }))
    }

    async fn list_departments(
        &self,
        request: Request<ListDepartmentsRequest>,
    ) -> Result<Response<ListDepartmentsResponse>, Status> {
        let ctx = context(&request)?;
        let (hospital, page) =
            convert::list_departments_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list_departments(&ctx, hospital, page).await }).await?;
        Ok(Response::new(ListDepartmentsResponse {
            departments: page
                .items
                .iter()
                .map(convert::department_to_proto)
                .collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn create_social_worker(
        &self,
        request: Request<CreateSocialWorkerRequest>,
    ) -> Result<Response<CreateSocialWorkerResponse>, Status> {
        let ctx = context(&request)?;
        let (draft, id) = convert::create_worker_request(request.into_inner());
        let id = request_id(&id).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let worker = run(async move { service.create_worker(&ctx, draft, id).await }).await?;
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

    async fn get_caller(
        &self,
        request: Request<GetCallerRequest>,
    ) -> Result<Response<GetCallerResponse>, Status> {
        let ctx = context(&request)?;
        let service = self.service.clone();
        let caller = ctx.caller.clone();
        let worker = run(async move { service.own_worker(&ctx).await }).await?;
        Ok(Response::new(convert::caller_to_proto(
            &caller,
            worker.as_ref(),
        )))
    }

    async fn list_social_workers(
        &self,
        request: Request<ListSocialWorkersRequest>,
    ) -> Result<Response<ListSocialWorkersResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let page = convert::page_request(r.page_size, &r.page_token).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page =
            run(async move { service.list_workers(&ctx, r.include_inactive, page).await }).await?;
        Ok(Response::new(ListSocialWorkersResponse {
            social_workers: page.items.iter().map(convert::worker_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn create_api_key(
        &self,
        request: Request<CreateApiKeyRequest>,
    ) -> Result<Response<CreateApiKeyResponse>, Status> {
        let ctx = context(&request)?;
        let (draft, id) = convert::create_key_request(request.into_inner());
        let id = request_id(&id).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let (key, secret) =
            run(async move { service.create_api_key(&ctx, draft, id).await }).await?;
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
        let r = request.into_inner();
        let page = convert::page_request(r.page_size, &r.page_token).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let (revoked, unlinked) = (r.include_revoked, r.unlinked_supervisors_only);
        let page = run(async move { service.list_api_keys(revoked, unlinked, page).await }).await?;
        Ok(Response::new(ListApiKeysResponse {
            api_keys: page.items.iter().map(convert::key_to_proto).collect(),
            next_page_token: page.next_page_token(),
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

    async fn link_api_key(
        &self,
        request: Request<LinkApiKeyRequest>,
    ) -> Result<Response<LinkApiKeyResponse>, Status> {
        let ctx = context(&request)?;
        let (id, worker) =
            convert::link_key_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let key = run(async move { service.link_api_key(&ctx, id, worker).await }).await?;
        Ok(Response::new(LinkApiKeyResponse {
            api_key: Some(convert::key_to_proto(&key)),
        }))
    }

    async fn create_volunteer_team(
        &self,
        request: Request<CreateVolunteerTeamRequest>,
    ) -> Result<Response<CreateVolunteerTeamResponse>, Status> {
        let ctx = context(&request)?;
        let (draft, raw_id) = convert::create_team_request(request.into_inner());
        let request_id = request_id(&raw_id).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let team = run(async move { service.create_team(&ctx, draft, request_id).await }).await?;
        Ok(Response::new(CreateVolunteerTeamResponse {
            team: Some(convert::team_to_proto(&team)),
        }))
    }

    async fn list_volunteer_teams(
        &self,
        request: Request<ListVolunteerTeamsRequest>,
    ) -> Result<Response<ListVolunteerTeamsResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let page = convert::page_request(r.page_size, &r.page_token).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list_teams(&ctx, page).await }).await?;
        Ok(Response::new(ListVolunteerTeamsResponse {
            teams: page.items.iter().map(convert::team_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn create_volunteer(
        &self,
        request: Request<CreateVolunteerRequest>,
    ) -> Result<Response<CreateVolunteerResponse>, Status> {
        let ctx = context(&request)?;
        let (draft, raw_id) =
            convert::create_volunteer_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let request_id = request_id(&raw_id).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let volunteer =
            run(async move { service.create_volunteer(&ctx, draft, request_id).await }).await?;
        Ok(Response::new(CreateVolunteerResponse {
            volunteer: Some(convert::volunteer_to_proto(&volunteer)),
        }))
    }

    async fn update_volunteer(
        &self,
        request: Request<UpdateVolunteerRequest>,
    ) -> Result<Response<UpdateVolunteerResponse>, Status> {
        let ctx = context(&request)?;
        let update =
            convert::update_volunteer_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let volunteer = run(async move { service.update_volunteer(&ctx, update).await }).await?;
        Ok(Response::new(UpdateVolunteerResponse {
            volunteer: Some(convert::volunteer_to_proto(&volunteer)),
        }))
    }

    async fn list_volunteers(
        &self,
        request: Request<ListVolunteersRequest>,
    ) -> Result<Response<ListVolunteersResponse>, Status> {
        let ctx = context(&request)?;
        let (team, inactive, page) =
            convert::list_volunteers_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page =
            run(async move { service.list_volunteers(&ctx, team, inactive, page).await }).await?;
        Ok(Response::new(ListVolunteersResponse {
            volunteers: page.items.iter().map(convert::volunteer_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }
}
