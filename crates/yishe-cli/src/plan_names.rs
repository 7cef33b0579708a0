//! Names a social worker writes in a plan file instead of ids: a problem by its category
//! (`financial`: the one the referral's latest assessment naming it identified) and the
//! responsible worker as `assigned` (the referral's assigned social worker).

use yishe_proto::assessment::{ListAssessmentsRequest, ProblemCategory};
use yishe_proto::plan::ServicePlan;
use yishe_proto::referral::GetReferralRequest;

use crate::client::Connection;
use crate::enums::parse;
use crate::failure::Failure;

/// Replaces the names in `plan` by the ids they stand for on `referral`.
pub(crate) async fn resolve(
    c: &Connection,
    referral: &str,
    plan: &mut ServicePlan,
) -> Result<(), Failure> {
    let named_problems = plan
        .goals
        .iter()
        .flat_map(|g| &g.problem_ids)
        .any(|p| uuid::Uuid::try_parse(p).is_err());
    if named_problems {
        // Newest assessment first: a category names its most recent problem.
        let assessments = c
            .assessments()
            .list_assessments(ListAssessmentsRequest {
                referral_id: referral.to_owned(),
                page_size: 100,
                page_token: String::new(),
            })
            .await?
            .into_inner()
            .assessments;
        for goal in &mut plan.goals {
            for problem in &mut goal.problem_ids {
                if uuid::Uuid::try_parse(problem).is_ok() {
                    continue;
                }
                let category = parse(
                    "PROBLEM_CATEGORY_",
                    problem,
                    ProblemCategory::from_str_name,
                    ProblemCategory::as_str_name,
                    "problem (an id, or a category such as financial)",
                )?;
                *problem = assessments
                    .iter()
                    .filter_map(|a| a.psychosocial.as_ref())
                    .flat_map(|p| &p.problems)
                    .find(|p| p.category() == category)
                    .map(|p| p.problem_id.clone())
                    .ok_or_else(|| {
                        Failure::local(format!(
                            "no assessment of this referral identified a {problem} problem"
                        ))
                    })?;
            }
        }
    }
    let assigned = plan
        .interventions
        .iter()
        .any(|i| i.responsible_worker_id == "assigned");
    if assigned {
        let worker = c
            .referrals()
            .get_referral(GetReferralRequest {
                referral_id: referral.to_owned(),
                ..Default::default()
            })
            .await?
            .into_inner()
            .referral
            .map(|r| r.assigned_worker_id)
            .filter(|w| !w.is_empty())
            .ok_or_else(|| Failure::local("the referral has no assigned social worker"))?;
        for intervention in &mut plan.interventions {
            if intervention.responsible_worker_id == "assigned" {
                intervention.responsible_worker_id = worker.clone();
            }
        }
    }
    Ok(())
}
