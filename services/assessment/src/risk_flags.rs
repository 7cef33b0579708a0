//! Risk flags after they are raised: the station's supervisors (and a social worker,
//! for their own cases) list them; a supervisor closes one by acknowledging it with a
//! note, which the referral feed announces.

use yishe_domain::assessment::{AcknowledgeRiskFlag, Acknowledgement, ListRiskFlags, RiskFlag};
use yishe_domain::referral::{EventType, ReferralEvent};
use yishe_domain::{AuditAction, Outcome, Page, RiskFlagId, Role};
use yishe_runtime::auth::RequestContext;
use yishe_store::RiskFlagScope;

use crate::error::{Error, Record, Refusal, Result};
use crate::service::AssessmentService;

impl AssessmentService {
    /// The risk flags the caller may see: a supervisor the station's, a social worker
    /// those on their own cases.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list_flags(
        &self,
        ctx: &RequestContext,
        request: ListRiskFlags,
    ) -> Result<Page<RiskFlag, RiskFlagId>> {
        let c = &ctx.caller;
        let scope = match (c.role, &c.station, c.worker) {
            (Role::Supervisor, Some(station), _) => RiskFlagScope::Station(station.clone()),
            (Role::SocialWorker, Some(station), Some(worker)) => RiskFlagScope::Caseload {
                station: station.clone(),
                worker,
            },
            _ => {
                return Ok(Page {
                    items: Vec::new(),
                    next_after: None,
                });
            }
        };
        let mut tx = self.store.begin().await?;
        let page = tx
            .list_risk_flags(&scope, request.referral, request.open_only, request.page)
            .await?;
        let mut seen: Vec<String> = Vec::new();
        for flag in &page.items {
            let referral = flag.referral.to_string();
            if !seen.contains(&referral) {
                seen.push(referral);
            }
        }
        let entry = ctx.audit(AuditAction::RiskFlagList, "", Outcome::Ok);
        tx.append_audit(&entry.about_each(seen)).await?;
        tx.commit().await?;
        Ok(page)
    }

    /// A supervisor acknowledges an open flag with a note.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn acknowledge(
        &self,
        ctx: &RequestContext,
        request: AcknowledgeRiskFlag,
    ) -> Result<RiskFlag> {
        let AcknowledgeRiskFlag { id, etag, note } = request;
        let note = RiskFlag::acknowledgement_note(&note).map_err(Error::Invalid)?;
        let now = ctx.now();
        let mut referral_id = None;
        let result: Result<_> = async {
            let mut tx = self.store.begin().await?;
            let mut flag = tx
                .get_risk_flag(id)
                .await?
                .filter(|f| ctx.caller.is_of_station(&f.station))
                .ok_or(Refusal::NotFound(Record::RiskFlag))?;
            referral_id = Some(flag.referral);
            if ctx.caller.role != Role::Supervisor {
                return Err(Refusal::SupervisorsOnly.into());
            }
            etag.check(flag.version, "risk flag")?;
            if !flag.is_open() {
                return Err(Refusal::AlreadyAcknowledged.into());
            }
            flag.acknowledgement = Some(Acknowledgement {
                by: ctx.caller.subject.clone(),
                at: now,
                note,
            });
            flag.version += 1;
            tx.update_risk_flag(&flag).await?;
            let referral = tx
                .get_referral(flag.referral)
                .await?
                .ok_or(Refusal::NotFound(Record::Referral))?;
            tx.append_event(&ReferralEvent::of(
                EventType::RiskFlagAcknowledged,
                &referral,
                now,
            ))
            .await?;
            tx.append_audit(&ctx.audit(
                AuditAction::RiskFlagAcknowledge,
                flag.referral,
                Outcome::Ok,
            ))
            .await?;
            tx.commit().await?;
            Ok(flag)
        }
        .await;
        let flag = ctx
            .audited(
                &self.store,
                AuditAction::RiskFlagAcknowledge,
                referral_id,
                result,
            )
            .await?;
        self.metrics.acknowledged(&flag);
        tracing::info!(kind = flag.kind.as_str(), "risk flag acknowledged");
        Ok(flag)
    }
}
