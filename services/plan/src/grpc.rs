//! The tonic adapter: requests to domain values, use-cases run to completion, plans
//! back on the wire.

use tonic::{Request, Response, Status};
use yishe_domain::plan::{PlanView, TaskView};
use yishe_proto::convert::plan as convert;
use yishe_proto::convert::task as tasks;
use yishe_proto::plan::plan_service_server::PlanService as Rpc;
use yishe_proto::plan::*;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::service::PlanService;

/// The gRPC face of the plan service.
#[derive(Debug, Clone)]
pub(crate) struct PlanGrpc {
    service: PlanService,
}

impl PlanGrpc {
    pub(crate) fn new(service: PlanService) -> Self {
        Self { service }
    }
}

fn plan(view: &PlanView) -> Option<ServicePlan> {
    Some(convert::plan_to_proto(view))
}

fn task(view: &TaskView) -> Option<VolunteerTask> {
    Some(tasks::task_to_proto(view))
}

#[tonic::async_trait]
impl Rpc for PlanGrpc {
    async fn create_plan(
        &self,
        request: Request<CreatePlanRequest>,
    ) -> Result<Response<CreatePlanResponse>, Status> {
        let ctx = context(&request)?;
        let create = convert::create_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.create(&ctx, create).await }).await?;
        Ok(Response::new(CreatePlanResponse { plan: plan(&view) }))
    }

    async fn get_plan(
        &self,
        request: Request<GetPlanRequest>,
    ) -> Result<Response<GetPlanResponse>, Status> {
        let ctx = context(&request)?;
        let get = convert::get_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.get(&ctx, get).await }).await?;
        Ok(Response::new(GetPlanResponse { plan: plan(&view) }))
    }

    async fn list_plans(
        &self,
        request: Request<ListPlansRequest>,
    ) -> Result<Response<ListPlansResponse>, Status> {
        let ctx = context(&request)?;
        let list = convert::list_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list(&ctx, list).await }).await?;
        Ok(Response::new(ListPlansResponse {
            plans: page.items.iter().map(convert::plan_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn update_plan(
        &self,
        request: Request<UpdatePlanRequest>,
    ) -> Result<Response<UpdatePlanResponse>, Status> {
        let ctx = context(&request)?;
        let update = convert::update_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.update(&ctx, update).await }).await?;
        Ok(Response::new(UpdatePlanResponse { plan: plan(&view) }))
    }

    async fn submit_plan(
        &self,
        request: Request<SubmitPlanRequest>,
    ) -> Result<Response<SubmitPlanResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::submit_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(SubmitPlanResponse { plan: plan(&view) }))
    }

    async fn approve_plan(
        &self,
        request: Request<ApprovePlanRequest>,
    ) -> Result<Response<ApprovePlanResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::approve_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(ApprovePlanResponse { plan: plan(&view) }))
    }

    async fn return_plan(
        &self,
        request: Request<ReturnPlanRequest>,
    ) -> Result<Response<ReturnPlanResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::return_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(ReturnPlanResponse { plan: plan(&view) }))
    }

    async fn revise_plan(
        &self,
        request: Request<RevisePlanRequest>,
    ) -> Result<Response<RevisePlanResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::revise_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(RevisePlanResponse { plan: plan(&view) }))
    }

    async fn update_intervention_state(
        &self,
        request: Request<UpdateInterventionStateRequest>,
    ) -> Result<Response<UpdateInterventionStateResponse>, Status> {
        let ctx = context(&request)?;
        let work =
            convert::intervention_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.work(&ctx, work).await }).await?;
        Ok(Response::new(UpdateInterventionStateResponse {
            plan: plan(&view),
        }))
    }

    async fn record_goal_progress(
        &self,
        request: Request<RecordGoalProgressRequest>,
    ) -> Result<Response<RecordGoalProgressResponse>, Status> {
        let ctx = context(&request)?;
        let work = convert::progress_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.work(&ctx, work).await }).await?;
        Ok(Response::new(RecordGoalProgressResponse {
            plan: plan(&view),
        }))
    }

    async fn post_volunteer_task(
        &self,
        request: Request<PostVolunteerTaskRequest>,
    ) -> Result<Response<PostVolunteerTaskResponse>, Status> {
        let ctx = context(&request)?;
        let post = tasks::post_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.post_task(&ctx, post).await }).await?;
        Ok(Response::new(PostVolunteerTaskResponse {
            task: task(&view),
        }))
    }

    async fn get_volunteer_task(
        &self,
        request: Request<GetVolunteerTaskRequest>,
    ) -> Result<Response<GetVolunteerTaskResponse>, Status> {
        let ctx = context(&request)?;
        let id = tasks::get_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.get_task(&ctx, id).await }).await?;
        Ok(Response::new(GetVolunteerTaskResponse {
            task: task(&view),
        }))
    }

    async fn list_volunteer_tasks(
        &self,
        request: Request<ListVolunteerTasksRequest>,
    ) -> Result<Response<ListVolunteerTasksResponse>, Status> {
        let ctx = context(&request)?;
        let list = tasks::list_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list_tasks(&ctx, list).await }).await?;
        Ok(Response::new(ListVolunteerTasksResponse {
            tasks: page.items.iter().map(tasks::task_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn claim_volunteer_task(
        &self,
        request: Request<ClaimVolunteerTaskRequest>,
    ) -> Result<Response<ClaimVolunteerTaskResponse>, Status> {
        let ctx = context(&request)?;
        let (id, step) = tasks::claim_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step_task(&ctx, id, step).await }).await?;
        Ok(Response::new(ClaimVolunteerTaskResponse {
            task: task(&view),
        }))
    }

    async fn report_volunteer_task(
        &self,
        request: Request<ReportVolunteerTaskRequest>,
    ) -> Result<Response<ReportVolunteerTaskResponse>, Status> {
        let ctx = context(&request)?;
        let (id, step) = tasks::report_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step_task(&ctx, id, step).await }).await?;
        Ok(Response::new(ReportVolunteerTaskResponse {
            task: task(&view),
        }))
    }

    async fn review_volunteer_task(
        &self,
        request: Request<ReviewVolunteerTaskRequest>,
    ) -> Result<Response<ReviewVolunteerTaskResponse>, Status> {
        let ctx = context(&request)?;
        let (id, step) = tasks::review_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step_task(&ctx, id, step).await }).await?;
        Ok(Response::new(ReviewVolunteerTaskResponse {
            task: task(&view),
        }))
    }

    async fn cancel_volunteer_task(
        &self,
        request: Request<CancelVolunteerTaskRequest>,
    ) -> Result<Response<CancelVolunteerTaskResponse>, Status> {
        let ctx = context(&request)?;
        let (id, step) = tasks::cancel_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let view = run(async move { service.step_task(&ctx, id, step).await }).await?;
        Ok(Response::new(CancelVolunteerTaskResponse {
            task: task(&view),
        }))
    }
}
