//! The thin tonic adapter: wire messages in, use-cases called in tasks of their own
//! (so a cancelled call never stops a transaction halfway), wire messages out.

use std::pin::Pin;

use crate::feed::Feed;
use crate::service::{Change, ReferralService};
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};
use yishe_domain::referral::{Referral as DomainReferral, disclose, disclose_event};
use yishe_domain::{ReferralId, Role, Violations};
use yishe_proto::convert;
use yishe_proto::referral::referral_service_server::ReferralService as Rpc;
use yishe_proto::referral::*;
use yishe_runtime::auth::{RequestContext, context};
use yishe_runtime::status;
use yishe_runtime::use_case::run;

/// The gRPC face of the referral service.
#[derive(Debug, Clone)]
pub struct ReferralGrpc {
    service: ReferralService,
    feed: Feed,
}

impl ReferralGrpc {
    pub fn new(service: ReferralService, feed: Feed) -> Self {
        Self { service, feed }
    }
}

fn referral_id(text: &str) -> Result<ReferralId, Status> {
    ReferralId::parse(text).ok_or_else(|| {
        status::of(&Violations::one(
            "referral_id",
            "must be a referral id (a UUID)",
        ))
    })
}

/// The referral as the caller's role may see it, on the wire.
fn shown(role: Role, referral: DomainReferral) -> Referral {
    convert::referral_to_proto(&disclose(role, referral))
}

impl ReferralGrpc {
    async fn change(
        &self,
        ctx: RequestContext,
        id: &str,
        etag: String,
        change: Change,
    ) -> Result<Option<Referral>, Status> {
        let role = ctx.caller.role;
        let id = referral_id(id)?;
        let service = self.service.clone();
        let referral = run(async move { service.change(&ctx, id, &etag, change).await }).await?;
        Ok(Some(shown(role, referral)))
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<WatchReferralEventsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Rpc for ReferralGrpc {
    async fn create_referral(
        &self,
        request: Request<CreateReferralRequest>,
    ) -> Result<Response<CreateReferralResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let draft = convert::referral_draft(request.into_inner());
        let service = self.service.clone();
        let referral = run(async move { service.create(&ctx, draft).await }).await?;
        Ok(Response::new(CreateReferralResponse {
            referral: Some(shown(role, referral)),
        }))
    }

    async fn get_referral(
        &self,
        request: Request<GetReferralRequest>,
    ) -> Result<Response<GetReferralResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let id = referral_id(&request.get_ref().referral_id)?;
        let reason = request.get_ref().break_glass_reason.clone();
        let service = self.service.clone();
        let referral = run(async move { service.get(&ctx, id, &reason).await }).await?;
        Ok(Response::new(GetReferralResponse {
            referral: Some(shown(role, referral)),
        }))
    }

    async fn list_referrals(
        &self,
        request: Request<ListReferralsRequest>,
    ) -> Result<Response<ListReferralsResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let r = request.into_inner();
        let service = self.service.clone();
        let page = run(async move {
            service
                .list(&ctx, &r.filter, r.page_size, &r.page_token)
                .await
        })
        .await?;
        Ok(Response::new(ListReferralsResponse {
            referrals: page.referrals.into_iter().map(|r| shown(role, r)).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn accept_referral(
        &self,
        request: Request<AcceptReferralRequest>,
    ) -> Result<Response<AcceptReferralResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let referral = self
            .change(ctx, &r.referral_id, r.etag, Change::Accept)
            .await?;
        Ok(Response::new(AcceptReferralResponse { referral }))
    }

    async fn reject_referral(
        &self,
        request: Request<RejectReferralRequest>,
    ) -> Result<Response<RejectReferralResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let change = Change::Reject {
            reason: convert::rejection_reason(r.reason),
            note: r.note,
        };
        let referral = self.change(ctx, &r.referral_id, r.etag, change).await?;
        Ok(Response::new(RejectReferralResponse { referral }))
    }

    async fn assign_referral(
        &self,
        request: Request<AssignReferralRequest>,
    ) -> Result<Response<AssignReferralResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let r = request.into_inner();
        let id = referral_id(&r.referral_id)?;
        let service = self.service.clone();
        let referral =
            run(async move { service.assign(&ctx, id, &r.etag, &r.social_worker_id).await })
                .await?;
        Ok(Response::new(AssignReferralResponse {
            referral: Some(shown(role, referral)),
        }))
    }

    async fn hold_referral(
        &self,
        request: Request<HoldReferralRequest>,
    ) -> Result<Response<HoldReferralResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let referral = self
            .change(ctx, &r.referral_id, r.etag, Change::Hold { note: r.note })
            .await?;
        Ok(Response::new(HoldReferralResponse { referral }))
    }

    async fn resume_referral(
        &self,
        request: Request<ResumeReferralRequest>,
    ) -> Result<Response<ResumeReferralResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let referral = self
            .change(ctx, &r.referral_id, r.etag, Change::Resume { note: r.note })
            .await?;
        Ok(Response::new(ResumeReferralResponse { referral }))
    }

    async fn cancel_referral(
        &self,
        request: Request<CancelReferralRequest>,
    ) -> Result<Response<CancelReferralResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let change = Change::Cancel {
            note: r.note,
            entered_in_error: r.entered_in_error,
        };
        let referral = self.change(ctx, &r.referral_id, r.etag, change).await?;
        Ok(Response::new(CancelReferralResponse { referral }))
    }

    type WatchReferralEventsStream = EventStream;

    async fn watch_referral_events(
        &self,
        request: Request<WatchReferralEventsRequest>,
    ) -> Result<Response<Self::WatchReferralEventsStream>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        tracing::info!(request_id = %ctx.request_id, role = ctx.caller.role.as_str(), "watch started");
        let events = self
            .feed
            .watch(ctx.caller, request.get_ref().after_sequence)
            .map(move |item| {
                item.map(|event| WatchReferralEventsResponse {
                    event: Some(convert::event_to_proto(&disclose_event(role, event))),
                })
                .map_err(|error| status::of(&error))
            });
        Ok(Response::new(Box::pin(events)))
    }
}
