//! Service plans end to end: each rule that refuses something, and volunteer tasks
//! (the board, the race, the overdue watch). The whole way of a plan, from the
//! assessment's problems to a met target, runs in `services/plan/tests/journey.rs`, once
//! in the all-in-one server and once with `yishe-plan` as its own process. The helpers
//! live in `yishe_testserver::plans`; these send plan calls to the all-in-one server.

mod rules;
mod volunteers;

pub(crate) use yishe_testserver::plans::PlanEndpoint;
pub(crate) use yishe_testserver::plans::{
    assess, assessed_case, assigned_with_reasons, shows_no_case_content, supervisor, two_goal_plan,
};

use yishe_proto::plan::ServicePlan;
use yishe_proto::referral::Referral;

use crate::support::{Station, TestApp};

/// Drafts `plan` for `referral` as the assigned worker.
async fn create(
    app: &TestApp,
    station: &Station,
    referral: &Referral,
    request_id: &str,
    plan: ServicePlan,
) -> Result<ServicePlan, tonic::Status> {
    yishe_testserver::plans::create(&PlanEndpoint::of(app), station, referral, request_id, plan)
        .await
}

/// Submits `plan` with `key`.
async fn submit(app: &TestApp, key: &str, plan: &ServicePlan) -> ServicePlan {
    yishe_testserver::plans::submit(&PlanEndpoint::of(app), key, plan).await
}

/// Approves `plan` with `key`.
async fn approve(
    app: &TestApp,
    key: &str,
    plan: &ServicePlan,
) -> Result<ServicePlan, tonic::Status> {
    yishe_testserver::plans::approve(&PlanEndpoint::of(app), key, plan).await
}

/// A referral assessed with problems and its drafted plan of two goals.
async fn drafted(app: &TestApp, station: &Station, name: &str) -> (Referral, ServicePlan) {
    yishe_testserver::plans::drafted_plan(app, station, &PlanEndpoint::of(app), name).await
}
