//! The tonic adapter: requests to domain values, use-cases run to completion, results
//! back on the wire.

use tonic::{Request, Response, Status};
use yishe_proto::convert::followup as convert;
use yishe_proto::followup::follow_up_service_server::FollowUpService as Rpc;
use yishe_proto::followup::*;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::service::FollowUpService;

/// The gRPC face of the follow-up service.
#[derive(Debug, Clone)]
pub(crate) struct FollowUpGrpc {
    service: FollowUpService,
}

impl FollowUpGrpc {
    pub(crate) fn new(service: FollowUpService) -> Self {
        Self { service }
    }
}

fn follow_up((f, name): &(yishe_domain::followup::FollowUp, String)) -> Option<FollowUp> {
    Some(convert::follow_up_to_proto(f, name))
}

#[tonic::async_trait]
impl Rpc for FollowUpGrpc {
    async fn record_contact(
        &self,
        request: Request<RecordContactRequest>,
    ) -> Result<Response<RecordContactResponse>, Status> {
        let ctx = context(&request)?;
        let record =
            convert::record_contact_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let (contact, name) =
            run(async move { service.record_contact(&ctx, record).await }).await?;
        Ok(Response::new(RecordContactResponse {
            contact: Some(convert::contact_to_proto(&contact, &name)),
        }))
    }

    async fn list_contacts(
        &self,
        request: Request<ListContactsRequest>,
    ) -> Result<Response<ListContactsResponse>, Status> {
        let ctx = context(&request)?;
        let list =
            convert::list_contacts_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list_contacts(&ctx, list).await }).await?;
        Ok(Response::new(ListContactsResponse {
            contacts: page
                .items
                .iter()
                .map(|(c, name)| convert::contact_to_proto(c, name))
                .collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn list_progress_notes(
        &self,
        request: Request<ListProgressNotesRequest>,
    ) -> Result<Response<ListProgressNotesResponse>, Status> {
        let ctx = context(&request)?;
        let referral =
            convert::progress_notes_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let notes = run(async move { service.progress_notes(&ctx, referral).await }).await?;
        Ok(Response::new(ListProgressNotesResponse {
            notes: notes.iter().map(convert::progress_note_to_proto).collect(),
        }))
    }

    async fn schedule_follow_up(
        &self,
        request: Request<ScheduleFollowUpRequest>,
    ) -> Result<Response<ScheduleFollowUpResponse>, Status> {
        let ctx = context(&request)?;
        let schedule =
            convert::schedule_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let done = run(async move { service.schedule(&ctx, schedule).await }).await?;
        Ok(Response::new(ScheduleFollowUpResponse {
            follow_up: follow_up(&done),
        }))
    }

    async fn get_follow_up(
        &self,
        request: Request<GetFollowUpRequest>,
    ) -> Result<Response<GetFollowUpResponse>, Status> {
        let ctx = context(&request)?;
        let id = convert::get_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let found = run(async move { service.get(&ctx, id).await }).await?;
        Ok(Response::new(GetFollowUpResponse {
            follow_up: follow_up(&found),
        }))
    }

    async fn list_follow_ups(
        &self,
        request: Request<ListFollowUpsRequest>,
    ) -> Result<Response<ListFollowUpsResponse>, Status> {
        let ctx = context(&request)?;
        let list = convert::list_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list(&ctx, list).await }).await?;
        Ok(Response::new(ListFollowUpsResponse {
            follow_ups: page
                .items
                .iter()
                .map(|(f, name)| convert::follow_up_to_proto(f, name))
                .collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn reschedule_follow_up(
        &self,
        request: Request<RescheduleFollowUpRequest>,
    ) -> Result<Response<RescheduleFollowUpResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::reschedule_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let done = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(RescheduleFollowUpResponse {
            follow_up: follow_up(&done),
        }))
    }

    async fn record_attempt(
        &self,
        request: Request<RecordAttemptRequest>,
    ) -> Result<Response<RecordAttemptResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::attempt_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let done = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(RecordAttemptResponse {
            follow_up: follow_up(&done),
        }))
    }

    async fn complete_follow_up(
        &self,
        request: Request<CompleteFollowUpRequest>,
    ) -> Result<Response<CompleteFollowUpResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::complete_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let done = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(CompleteFollowUpResponse {
            follow_up: follow_up(&done),
        }))
    }

    async fn cancel_follow_up(
        &self,
        request: Request<CancelFollowUpRequest>,
    ) -> Result<Response<CancelFollowUpResponse>, Status> {
        let ctx = context(&request)?;
        let step = convert::cancel_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let done = run(async move { service.step(&ctx, step).await }).await?;
        Ok(Response::new(CancelFollowUpResponse {
            follow_up: follow_up(&done),
        }))
    }
}
