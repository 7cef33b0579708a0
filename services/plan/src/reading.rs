//! What every plan use-case reads first: the referral (if the caller may work on its
//! plan), its assessments (their problems, the scores goals read), and a version as the
//! caller sees it.

use std::collections::{BTreeMap, HashSet};

use yishe_domain::assessment::{ASSESSMENT_PAGE, Access, Assessment, assessment_access};
use yishe_domain::plan::{
    DraftContext, Plan, PlanContent, PlanDraft, PlanVersion, PlanView, readings,
};
use yishe_domain::referral::Referral;
use yishe_domain::{PageRequest, PlanId, ReferralId, SocialWorkerId, Violations};
use yishe_runtime::auth::RequestContext;
use yishe_store::Tx;

use crate::error::{Error, Record, Refusal, Result};

/// The referral, if the caller may work on its plan: its assigned social worker or a
/// supervisor of its station (as for its assessments).
pub(crate) async fn referral_for(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    id: ReferralId,
) -> Result<Referral> {
    let referral = tx
        .get_referral(id)
        .await?
        .ok_or(Refusal::NotFound(Record::Referral))?;
    match assessment_access(&ctx.caller, referral.scope()) {
        Access::Allowed => Ok(referral),
        Access::NotVisible => Err(Refusal::NotFound(Record::Referral).into()),
        Access::NotAssigned => Err(Refusal::NotAssigned.into()),
    }
}

/// The plan and its referral, if the caller may work on it; a plan of a referral the
/// caller may not see is not found.
pub(crate) async fn plan_for(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    id: PlanId,
) -> Result<(Plan, Referral)> {
    let plan = tx
        .get_plan(id)
        .await?
        .ok_or(Refusal::NotFound(Record::Plan))?;
    // Every change to a plan or its tasks waits for a closure of the case under way
    // (and a closure for it), so neither passes the other's checks.
    tx.lock_referral(plan.referral).await?;
    let referral = match referral_for(tx, ctx, plan.referral).await {
        Err(Error::Refused(Refusal::NotFound(_))) => {
            return Err(Refusal::NotFound(Record::Plan).into());
        }
        other => other?,
    };
    Ok((plan, referral))
}

/// A version the plan must have.
pub(crate) async fn version_of(tx: &mut dyn Tx, plan: &Plan, version: u32) -> Result<PlanVersion> {
    Ok(tx
        .get_plan_version(plan.id, version)
        .await?
        .ok_or(Refusal::NotFound(Record::PlanVersion))?)
}

/// The referral's assessments at their current versions.
pub(crate) async fn assessments_of(
    tx: &mut dyn Tx,
    referral: ReferralId,
) -> Result<Vec<Assessment>> {
    let mut all = Vec::new();
    let mut page = PageRequest::first(ASSESSMENT_PAGE.max);
    loop {
        let read = tx.list_assessments(referral, page).await?;
        all.extend(read.items);
        match read.next_after {
            Some(next) => page.after = Some(next),
            None => return Ok(all),
        }
    }
}

/// The ids of the problems the assessments identified.
pub(crate) fn problem_ids(assessments: &[Assessment]) -> HashSet<String> {
    assessments
        .iter()
        .filter_map(|a| a.content.psychosocial.as_ref())
        .flat_map(|p| p.problems.iter())
        .filter(|p| !p.id.is_empty())
        .map(|p| p.id.clone())
        .collect()
}

/// The draft validated, with each intervention's responsible worker checked to be an
/// active social worker of the referral's station: every offending field named at once.
pub(crate) async fn validated(
    tx: &mut dyn Tx,
    referral: &Referral,
    draft: PlanDraft,
    cx: DraftContext<'_>,
) -> Result<PlanContent> {
    let mut v = Violations::new();
    for (i, intervention) in draft.interventions.iter().enumerate() {
        let Some(id) = SocialWorkerId::parse(&intervention.responsible) else {
            continue; // named by the draft's own validation
        };
        let worker = tx.get_worker(id).await?;
        let fits = worker.is_some_and(|w| w.station == referral.station && w.active);
        if !fits {
            v.add(
                format!("plan.interventions[{i}].responsible_worker_id"),
                "is not an active social worker of the referral's station",
            );
        }
    }
    match draft.validate(cx) {
        Ok(content) if v.is_empty() => Ok(content),
        Ok(_) => Err(Error::Invalid(v)),
        Err(more) => {
            for x in more.iter() {
                v.add(&x.field, &x.description);
            }
            Err(Error::Invalid(v))
        }
    }
}

/// `version` of `plan` as the caller reads it: with the scores its instrument targets
/// read from `assessments` and the names of the people it names.
pub(crate) async fn view(
    tx: &mut dyn Tx,
    plan: Plan,
    version: PlanVersion,
    assessments: &[Assessment],
) -> Result<PlanView> {
    let mut names = BTreeMap::new();
    for worker in PlanView::people(&version, &plan) {
        if let Some(w) = tx.get_worker(worker).await? {
            names.insert(worker, w.display_name);
        }
    }
    Ok(PlanView {
        readings: readings(&version.content, assessments),
        plan,
        version,
        names,
    })
}

/// Refuses unless the referral's case is open: a closed case's plan does not change.
pub(crate) fn require_open(referral: &Referral) -> Result<()> {
    if referral.status.is_open_case() {
        Ok(())
    } else {
        Err(Refusal::WrongStatus(referral.status).into())
    }
}
