//! The thin tonic adapter: each request converted at the edge (`yishe_proto::convert`),
//! its use-case run in a task of its own (so a cancelled call never stops a
//! transaction halfway), the result converted back as the caller's role may see it.

use std::pin::Pin;

use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};
use yishe_domain::Role;
use yishe_domain::referral::{
    Referral as DomainReferral, ReferralEvent, disclose, disclose_event, page_token,
};
use yishe_proto::convert::closure;
use yishe_proto::convert::referral as convert;
use yishe_proto::referral::referral_service_server::ReferralService as Rpc;
use yishe_proto::referral::watch_referral_events_response as watch_response;
use yishe_proto::referral::*;
use yishe_runtime::auth::context;
use yishe_runtime::locale::Locale;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::feed::{Feed, Item};
use crate::service::ReferralService;

/// The gRPC face of the referral service.
#[derive(Debug, Clone)]
pub(crate) struct ReferralGrpc {
    service: ReferralService,
    feed: Feed,
}

impl ReferralGrpc {
    pub(crate) fn new(service: ReferralService, feed: Feed) -> Self {
        Self { service, feed }
    }
}

/// The referral as the caller's role may see it, on the wire.
/// A future a use-case returns, boxed so one adapter runs several.
type BoxFuture<'a, T> = Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A closure use-case of the service (request, decide, reopen), with its parsed request.
type ClosureUseCase<P> = for<'a> fn(
    &'a ReferralService,
    &'a yishe_runtime::auth::RequestContext,
    P,
) -> BoxFuture<'a, Result<DomainReferral, crate::Error>>;

impl ReferralGrpc {
    /// `referral` as `role` may see it, its satisfaction named on the station's scale.
    fn shown(&self, role: Role, referral: DomainReferral) -> Referral {
        let mut shown = convert::referral_to_proto(&disclose(role, referral));
        if let Some(closure) = shown.closure.as_mut() {
            // When the station asked is its own business; when the case closed is not.
            if role == Role::HisIntegration {
                closure.request_time = None;
            }
            closure.satisfaction_label = self
                .service
                .closure_rules()
                .satisfaction_label(closure.satisfaction)
                .unwrap_or_default()
                .to_owned();
        }
        shown
    }

    /// Runs a closure use-case and shows its referral.
    async fn closure<T, P>(
        &self,
        request: Request<T>,
        parse: fn(T) -> Result<P, yishe_domain::Violations>,
        run_it: ClosureUseCase<P>,
    ) -> Result<Option<Referral>, Status>
    where
        P: Send + 'static,
    {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let parsed = parse(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let referral = run(async move { run_it(&service, &ctx, parsed).await }).await?;
        Ok(Some(self.shown(role, referral)))
    }
}

impl ReferralGrpc {
    /// Runs one of the changes a caller asks for and returns the referral after it.
    async fn change<T>(
        &self,
        request: Request<T>,
        parse: fn(T) -> Result<yishe_domain::referral::ChangeReferral, yishe_domain::Violations>,
    ) -> Result<Option<Referral>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let change = parse(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let referral = run(async move { service.change(&ctx, change).await }).await?;
        Ok(Some(self.shown(role, referral)))
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
        let draft = convert::create_request(request.into_inner());
        let service = self.service.clone();
        let referral = run(async move { service.create(&ctx, draft).await }).await?;
        Ok(Response::new(CreateReferralResponse {
            referral: Some(self.shown(role, referral)),
        }))
    }

    async fn get_referral(
        &self,
        request: Request<GetReferralRequest>,
    ) -> Result<Response<GetReferralResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let get = convert::get_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let (referral, history) = run(async move {
            let referral = service.get(&ctx, get).await?;
            let history = service.history(&ctx, &referral).await?;
            Ok::<_, crate::Error>((referral, history))
        })
        .await?;
        let mut shown = self.shown(role, referral);
        shown.patient_history = history
            .iter()
            .map(convert::history_entry_to_proto)
            .collect();
        Ok(Response::new(GetReferralResponse {
            referral: Some(shown),
        }))
    }

    async fn list_referrals(
        &self,
        request: Request<ListReferralsRequest>,
    ) -> Result<Response<ListReferralsResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let list = convert::list_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let binding = list.binding;
        let service = self.service.clone();
        let page = run(async move { service.list(&ctx, list).await }).await?;
        let next_page_token = page
            .next_after
            .map(|position| page_token(&position, binding))
            .unwrap_or_default();
        Ok(Response::new(ListReferralsResponse {
            referrals: page
                .items
                .into_iter()
                .map(|r| self.shown(role, r))
                .collect(),
            next_page_token,
        }))
    }

    async fn accept_referral(
        &self,
        request: Request<AcceptReferralRequest>,
    ) -> Result<Response<AcceptReferralResponse>, Status> {
        let referral = self.change(request, convert::accept_request).await?;
        Ok(Response::new(AcceptReferralResponse { referral }))
    }

    async fn reject_referral(
        &self,
        request: Request<RejectReferralRequest>,
    ) -> Result<Response<RejectReferralResponse>, Status> {
        let referral = self.change(request, convert::reject_request).await?;
        Ok(Response::new(RejectReferralResponse { referral }))
    }

    async fn assign_referral(
        &self,
        request: Request<AssignReferralRequest>,
    ) -> Result<Response<AssignReferralResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let assign = convert::assign_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let referral = run(async move { service.assign(&ctx, assign).await }).await?;
        Ok(Response::new(AssignReferralResponse {
            referral: Some(self.shown(role, referral)),
        }))
    }

    async fn hold_referral(
        &self,
        request: Request<HoldReferralRequest>,
    ) -> Result<Response<HoldReferralResponse>, Status> {
        let referral = self.change(request, convert::hold_request).await?;
        Ok(Response::new(HoldReferralResponse { referral }))
    }

    async fn resume_referral(
        &self,
        request: Request<ResumeReferralRequest>,
    ) -> Result<Response<ResumeReferralResponse>, Status> {
        let referral = self.change(request, convert::resume_request).await?;
        Ok(Response::new(ResumeReferralResponse { referral }))
    }

    async fn cancel_referral(
        &self,
        request: Request<CancelReferralRequest>,
    ) -> Result<Response<CancelReferralResponse>, Status> {
        let referral = self.change(request, convert::cancel_request).await?;
        Ok(Response::new(CancelReferralResponse { referral }))
    }

    async fn withdraw_consent(
        &self,
        request: Request<WithdrawConsentRequest>,
    ) -> Result<Response<WithdrawConsentResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        // Recorded as the caller who says so.
        let change = convert::withdraw_consent_request(request.into_inner(), &ctx.caller.subject)
            .map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let referral = run(async move { service.change(&ctx, change).await }).await?;
        Ok(Response::new(WithdrawConsentResponse {
            referral: Some(self.shown(role, referral)),
        }))
    }

    async fn update_referral(
        &self,
        request: Request<UpdateReferralRequest>,
    ) -> Result<Response<UpdateReferralResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let change = convert::update_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let referral = run(async move { service.update(&ctx, change).await }).await?;
        Ok(Response::new(UpdateReferralResponse {
            referral: Some(self.shown(role, referral)),
        }))
    }

    async fn request_closure(
        &self,
        request: Request<RequestClosureRequest>,
    ) -> Result<Response<RequestClosureResponse>, Status> {
        let referral = self
            .closure(request, closure::request_closure_request, |s, ctx, r| {
                Box::pin(s.request_closure(ctx, r))
            })
            .await?;
        Ok(Response::new(RequestClosureResponse { referral }))
    }

    async fn approve_closure(
        &self,
        request: Request<ApproveClosureRequest>,
    ) -> Result<Response<ApproveClosureResponse>, Status> {
        let referral = self
            .closure(request, closure::approve_closure_request, |s, ctx, r| {
                Box::pin(s.closure_step(ctx, r))
            })
            .await?;
        Ok(Response::new(ApproveClosureResponse { referral }))
    }

    async fn return_closure(
        &self,
        request: Request<ReturnClosureRequest>,
    ) -> Result<Response<ReturnClosureResponse>, Status> {
        let referral = self
            .closure(request, closure::return_closure_request, |s, ctx, r| {
                Box::pin(s.closure_step(ctx, r))
            })
            .await?;
        Ok(Response::new(ReturnClosureResponse { referral }))
    }

    async fn withdraw_closure(
        &self,
        request: Request<WithdrawClosureRequest>,
    ) -> Result<Response<WithdrawClosureResponse>, Status> {
        let referral = self
            .closure(request, closure::withdraw_closure_request, |s, ctx, r| {
                Box::pin(s.closure_step(ctx, r))
            })
            .await?;
        Ok(Response::new(WithdrawClosureResponse { referral }))
    }

    async fn reopen_referral(
        &self,
        request: Request<ReopenReferralRequest>,
    ) -> Result<Response<ReopenReferralResponse>, Status> {
        let referral = self
            .closure(request, closure::reopen_request, |s, ctx, r| {
                Box::pin(s.reopen(ctx, r))
            })
            .await?;
        Ok(Response::new(ReopenReferralResponse { referral }))
    }

    async fn list_reassignments(
        &self,
        request: Request<ListReassignmentsRequest>,
    ) -> Result<Response<ListReassignmentsResponse>, Status> {
        let ctx = context(&request)?;
        let service = self.service.clone();
        let waiting = run(async move { service.reassignments(&ctx).await }).await?;
        Ok(Response::new(ListReassignmentsResponse {
            reassignments: waiting
                .iter()
                .map(|w| {
                    convert::reassignment_to_proto(&w.worker, &w.referrals, &w.follow_ups, &w.tasks)
                })
                .collect(),
        }))
    }

    async fn reassign_work(
        &self,
        request: Request<ReassignWorkRequest>,
    ) -> Result<Response<ReassignWorkResponse>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let parsed = convert::reassign_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let moved = run(async move { service.reassign(&ctx, parsed).await }).await?;
        Ok(Response::new(ReassignWorkResponse {
            referrals: moved
                .referrals
                .into_iter()
                .map(|r| self.shown(role, r))
                .collect(),
            follow_ups_moved: u32::try_from(moved.follow_ups).unwrap_or(u32::MAX),
            volunteer_tasks_moved: u32::try_from(moved.tasks).unwrap_or(u32::MAX),
        }))
    }

    type WatchReferralEventsStream = EventStream;

    async fn watch_referral_events(
        &self,
        request: Request<WatchReferralEventsRequest>,
    ) -> Result<Response<Self::WatchReferralEventsStream>, Status> {
        let ctx = context(&request)?;
        let role = ctx.caller.role;
        let watch = convert::watch_request(request.into_inner()).map_err(|v| status::of(&v))?;
        tracing::info!(request_id = %ctx.request_id, role = role.as_str(), "watch started");
        let clock = self.service.clock();
        let locale = Locale::current();
        let events = self.feed.watch(ctx.caller, watch).map(move |item| {
            let item = match item.map_err(|error| status::in_locale(locale, &error))? {
                Item::Event(event) => watch_response::Item::Event(convert::event_to_proto(
                    &disclose_event(role, ReferralEvent::clone(&event)),
                )),
                Item::Checkpoint(sequence) => watch_response::Item::Checkpoint(
                    convert::checkpoint_to_proto(sequence, clock.now()),
                ),
            };
            Ok(WatchReferralEventsResponse { item: Some(item) })
        });
        Ok(Response::new(Box::pin(events)))
    }
}
