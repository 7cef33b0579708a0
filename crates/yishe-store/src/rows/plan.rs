//! Service plan rows and their sealing: a plan's work (intervention states, goal
//! progress) and each version's body (goals, interventions, revision reason, decision)
//! are sealed with the plan, version and column as associated data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yishe_domain::plan::{Contributor, Decision, Plan, PlanContent, PlanState, PlanVersion, Work};
use yishe_domain::{PlanId, ReferralId, SocialWorkerId, StationId};

use super::{corrupt, from_json, to_json};
use crate::{Crypto, Result, Sealer};

fn work_context(id: Uuid) -> String {
    format!("service_plan:{id}:work")
}

fn body_context(id: Uuid, version: i64) -> String {
    format!("service_plan:{id}:v{version}:body")
}

pub(crate) const SELECT_PLAN: &str = "SELECT p.id, p.referral_id, p.station_id, p.request_id, \
     p.fingerprint, p.newest_version, p.newest_state, p.in_force_version, p.work, p.revision, \
     p.created_by, p.created_at, p.updated_at FROM service_plans p";

/// A plan with its newest version, for lists.
pub(crate) const SELECT_PLAN_WITH_NEWEST: &str = "SELECT p.id, p.referral_id, p.station_id, \
     p.request_id, p.fingerprint, p.newest_version, p.newest_state, p.in_force_version, p.work, \
     p.revision, p.created_by, p.created_at, p.updated_at, v.plan_id, v.version, v.state, \
     v.body, v.author, v.author_worker, v.created_at AS version_created_at, v.submitted_at \
     FROM service_plans p JOIN service_plan_versions v \
     ON v.plan_id = p.id AND v.version = p.newest_version";

pub(crate) const SELECT_PLAN_VERSION: &str = "SELECT v.plan_id, v.version, v.state, v.body, \
     v.author, v.author_worker, v.created_at AS version_created_at, v.submitted_at \
     FROM service_plan_versions v";

#[derive(sqlx::FromRow)]
pub(crate) struct PlanRow {
    id: Uuid,
    referral_id: Uuid,
    station_id: String,
    request_id: String,
    pub(crate) fingerprint: String,
    newest_version: i64,
    newest_state: String,
    in_force_version: Option<i64>,
    work: String,
    revision: i64,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PlanVersionRow {
    plan_id: Uuid,
    version: i64,
    state: String,
    body: String,
    author: String,
    author_worker: Option<Uuid>,
    version_created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
}

/// A plan row joined with its newest version.
#[derive(sqlx::FromRow)]
pub(crate) struct PlanWithNewestRow {
    #[sqlx(flatten)]
    pub(crate) plan: PlanRow,
    #[sqlx(flatten)]
    pub(crate) version: PlanVersionRow,
}

/// What a version's sealed body holds.
#[derive(Serialize, Deserialize)]
struct Body {
    content: PlanContent,
    revision_reason: String,
    decision: Option<Decision>,
    /// Who else changed the draft (absent in versions stored before it was kept).
    #[serde(default)]
    contributors: Vec<Contributor>,
}

fn version_number(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| corrupt("plan version"))
}

fn state(text: &str) -> Result<PlanState> {
    PlanState::parse(text).ok_or_else(|| corrupt("plan state"))
}

/// A plan's sealed work.
pub(crate) fn seal_work(plan: &Plan, sealer: &Sealer) -> String {
    sealer.seal(&work_context(plan.id.as_uuid()), &to_json(&plan.work))
}

/// A version's sealed body.
pub(crate) fn seal_body(v: &PlanVersion, sealer: &Sealer) -> String {
    let body = Body {
        content: v.content.clone(),
        revision_reason: v.revision_reason.clone(),
        decision: v.decision.clone(),
        contributors: v.contributors.clone(),
    };
    sealer.seal(
        &body_context(v.plan.as_uuid(), i64::from(v.version)),
        &to_json(&body),
    )
}

impl PlanRow {
    pub(crate) fn into_plan(self, crypto: &Crypto) -> Result<Plan> {
        let work: Work = from_json(
            &crypto.open(&work_context(self.id), &self.work)?,
            "plan work",
        )?;
        Ok(Plan {
            id: PlanId::from_uuid(self.id),
            referral: ReferralId::from_uuid(self.referral_id),
            station: StationId::parse(&self.station_id).ok_or_else(|| corrupt("station id"))?,
            request_id: self.request_id,
            newest_version: version_number(self.newest_version)?,
            newest_state: state(&self.newest_state)?,
            in_force_version: self.in_force_version.map(version_number).transpose()?,
            work,
            revision: self.revision,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl PlanVersionRow {
    pub(crate) fn into_version(self, crypto: &Crypto) -> Result<PlanVersion> {
        let body: Body = from_json(
            &crypto.open(&body_context(self.plan_id, self.version), &self.body)?,
            "plan version",
        )?;
        Ok(PlanVersion {
            plan: PlanId::from_uuid(self.plan_id),
            version: version_number(self.version)?,
            state: state(&self.state)?,
            content: body.content,
            revision_reason: body.revision_reason,
            author: self.author,
            author_worker: self.author_worker.map(SocialWorkerId::from_uuid),
            contributors: body.contributors,
            created_at: self.version_created_at,
            submitted_at: self.submitted_at,
            decision: body.decision,
        })
    }
}
