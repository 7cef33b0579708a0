//! Risk flags after they are raised: the station's supervisors (and a social worker,
//! for their own cases) list them; a supervisor closes one by acknowledging it with a
//! note, which the referral feed announces.

use yishe_domain::assessment::{Acknowledgement, RiskFlag};
use yishe_domain::referral::{EventType, ReferralEvent};
use yishe_domain::{AuditAction, Etag, Outcome, ReferralId, RiskFlagId, Role, Violations};
use yishe_runtime::auth::RequestContext;
use yishe_store::RiskFlagScope;

use crate::error::{Error, Result};
use crate::service::{AssessmentService, Page, parse_id};

const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 500;

impl AssessmentService {
    /// The risk flags the caller may see: a supervisor the station's, a social worker
    /// those on their own cases.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn list_flags(
        &self,
        ctx: &RequestContext,
        referral_id: &str,
        open_only: bool,
        page_size: i32,
        token: &str,
    ) -> Result<Page<RiskFlag>> {
        let mut v = Violations::new();
        let referral = if referral_id.is_empty() {
            None
        } else {
            let parsed = ReferralId::parse(referral_id);
            if parsed.is_none() {
                v.add("referral_id", "must be a UUID");
            }
            parsed
        };
        let limit = v.page_size(page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        let after = v.page_token(token, RiskFlagId::parse);
        v.into_result(()).map_err(Error::Invalid)?;
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
                    next_page_token: String::new(),
                });
            }
        };
        let mut tx = self.store.begin().await?;
        let page = tx
            .list_risk_flags(&scope, referral, open_only, after, limit)
            .await?;
        let mut seen = Vec::new();
        for flag in &page.flags {
            if !seen.contains(&flag.referral) {
                seen.push(flag.referral);
                tx.append_audit(&ctx.audit(AuditAction::RiskFlagList, flag.referral, Outcome::Ok))
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(Page {
            items: page.flags,
            next_page_token: page.next_after.map(|f| f.to_string()).unwrap_or_default(),
        })
    }

    /// A supervisor acknowledges an open flag with a note.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn acknowledge(
        &self,
        ctx: &RequestContext,
        flag_id: &str,
        etag: &str,
        note: &str,
    ) -> Result<RiskFlag> {
        let id = parse_id("risk_flag_id", flag_id, RiskFlagId::parse)?;
        let note = RiskFlag::acknowledgement_note(note).map_err(Error::Invalid)?;
        let etag = Etag::parse(etag).ok_or_else(|| {
            Error::Invalid(Violations::one(
                "etag",
                "is required: send the etag last read",
            ))
        })?;
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut flag = tx
                .get_risk_flag(id)
                .await?
                .filter(|f| ctx.caller.is_of_station(&f.station))
                .ok_or(Error::NotFound("risk flag"))?;
            referral_id = Some(flag.referral);
            if ctx.caller.role != Role::Supervisor {
                return Err(Error::Forbidden(
                    "only a supervisor acknowledges risk flags".into(),
                ));
            }
            etag.check(flag.version, "risk flag")?;
            if !flag.is_open() {
                return Err(Error::Precondition(
                    "the risk flag is already acknowledged".into(),
                ));
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
                .ok_or(Error::NotFound("referral"))?;
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
        let flag = self
            .audited(ctx, AuditAction::RiskFlagAcknowledge, referral_id, result)
            .await?;
        self.relay_kick.notify_one();
        let waited = (now - flag.raised_at).num_milliseconds().max(0) as f64 / 1000.0;
        self.metrics
            .risk_flag_time_to_acknowledge_seconds
            .with_label_values(&[flag.kind.as_str()])
            .observe(waited);
        tracing::info!(kind = flag.kind.as_str(), "risk flag acknowledged");
        Ok(flag)
    }
}
