//! The assessment use-cases. Each runs in one transaction: the assessment, what it does
//! to the referral (status, priority, risk flags, feed events) and the audit rows
//! commit together. Every read is audited against the referral (the patient's
//! record); a refused attempt is audited in a transaction of its own.

use yishe_domain::assessment::{
    ASSESSMENT_PAGE, Access, AmendAssessment, Assessment, AssessmentDraft, Comparison, Cutoffs,
    GetAssessment, ListAssessments, SubmitAssessment, amendment_reason, assessment_access, compare,
};
use yishe_domain::referral::{Referral, Status};
use yishe_domain::{AssessmentId, AuditAction, Outcome, Page, PageRequest, ReferralId};
use yishe_runtime::auth::RequestContext;
use yishe_store::{Store, Submitted, Tx};

use crate::error::{Error, Record, Refusal, Result};
use crate::escalation::{self, Consequences};
use crate::metrics::AssessmentMetrics;

/// Everything the use-cases need.
#[derive(Debug, Clone)]
pub(crate) struct AssessmentService {
    pub(crate) store: Store,
    pub(crate) metrics: AssessmentMetrics,
    cutoffs: Cutoffs,
    /// How long after a risk flag its safety check is due.
    safety_within: chrono::Duration,
}

impl AssessmentService {
    pub(crate) fn new(
        store: Store,
        metrics: AssessmentMetrics,
        cutoffs: Cutoffs,
        safety_within: chrono::Duration,
    ) -> Self {
        Self {
            store,
            metrics,
            cutoffs,
            safety_within,
        }
    }

    /// Records an assessment, or returns the one a replay of the same request recorded.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn submit(
        &self,
        ctx: &RequestContext,
        request: SubmitAssessment,
    ) -> Result<Assessment> {
        let SubmitAssessment {
            referral: referral_id,
            request_id,
            draft,
        } = request;
        let fingerprint = fingerprint(referral_id, &draft);
        let now = ctx.now();
        let result = async {
            let mut tx = self.store.begin().await?;
            let referral = self.referral_for(&mut *tx, ctx, referral_id).await?;
            let content = draft
                .validate(&self.cutoffs, referral.created_at, now)
                .map_err(Error::Invalid)?;
            let open = matches!(referral.status, Status::Accepted | Status::InProgress);
            let assessment = Assessment {
                id: AssessmentId::new(),
                referral: referral_id,
                version: 1,
                current_version: 1,
                content,
                amendment_reason: String::new(),
                recorded_by: ctx.caller.subject.clone(),
                recorded_by_worker: ctx.caller.worker,
                recorded_at: now,
                created_at: now,
                created_by: ctx.caller.subject.clone(),
                request_id,
            };
            match tx
                .insert_assessment(&assessment, &referral.station, &fingerprint)
                .await?
            {
                Submitted::Existing(existing, stored) if stored == fingerprint => {
                    tx.append_audit(&ctx.audit(
                        AuditAction::AssessmentSubmitReplay,
                        referral_id,
                        Outcome::Ok,
                    ))
                    .await?;
                    tx.commit().await?;
                    Ok((*existing, Consequences::default()))
                }
                Submitted::Existing(..) => Err(Refusal::RequestIdReused.into()),
                // Checked after the insert so that a replay returns the first result
                // even if the case has moved on; dropping `tx` undoes the insert.
                Submitted::Inserted if !open => Err(not_assessable(referral.status)),
                Submitted::Inserted => {
                    let done = escalation::apply(
                        &mut *tx,
                        ctx,
                        referral,
                        &assessment,
                        self.safety_within,
                        now,
                    )
                    .await?;
                    tx.append_audit(&ctx.audit(
                        AuditAction::AssessmentSubmit,
                        referral_id,
                        Outcome::Ok,
                    ))
                    .await?;
                    tx.commit().await?;
                    Ok((assessment, done))
                }
            }
        }
        .await;
        self.finish(
            ctx,
            AuditAction::AssessmentSubmit,
            Some(referral_id),
            result,
        )
        .await
    }

    /// Corrects an assessment: its next version, with the reason.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn amend(
        &self,
        ctx: &RequestContext,
        request: AmendAssessment,
    ) -> Result<Assessment> {
        let AmendAssessment {
            id,
            etag,
            reason,
            draft,
        } = request;
        let reason = amendment_reason(&reason).map_err(Error::Invalid)?;
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let current = tx
                .get_assessment(id, None)
                .await?
                .ok_or(Refusal::NotFound(Record::Assessment))?;
            referral_id = Some(current.referral);
            let referral = self.referral_for(&mut *tx, ctx, current.referral).await?;
            etag.check(current.current_version, "assessment")?;
            if !referral.status.is_open_case() {
                return Err(Refusal::WrongStatus {
                    status: referral.status,
                    what: "is closed: its assessments are not amended",
                }
                .into());
            }
            // A correction keeps when the assessment took place unless it corrects that.
            let draft = AssessmentDraft {
                assessed_at: draft.assessed_at.or(Some(current.content.assessed_at)),
                ..draft
            };
            let content = draft
                .validate(&self.cutoffs, referral.created_at, now)
                .map_err(Error::Invalid)?;
            let next = current.current_version + 1;
            let amended = Assessment {
                version: next,
                current_version: next,
                content,
                amendment_reason: reason,
                recorded_by: ctx.caller.subject.clone(),
                recorded_by_worker: ctx.caller.worker,
                recorded_at: now,
                ..current
            };
            tx.add_assessment_version(&amended).await?;
            let done =
                escalation::apply(&mut *tx, ctx, referral, &amended, self.safety_within, now)
                    .await?;
            tx.append_audit(&ctx.audit(
                AuditAction::AssessmentAmend,
                amended.referral,
                Outcome::Ok,
            ))
            .await?;
            tx.commit().await?;
            Ok((amended, done))
        }
        .await;
        self.finish(ctx, AuditAction::AssessmentAmend, referral_id, result)
            .await
    }

    /// One assessment at its current version or at `version` (0 for current).
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn get(
        &self,
        ctx: &RequestContext,
        request: GetAssessment,
    ) -> Result<Assessment> {
        let GetAssessment { id, version } = request;
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let found = tx.get_assessment(id, version).await?;
            // An unknown version of an assessment the caller may read is NOT_FOUND as
            // well, but only after the access check, so nothing is revealed.
            let referral = match &found {
                Some(a) => a.referral,
                None => match tx.get_assessment(id, None).await? {
                    Some(a) => a.referral,
                    None => return Err(Refusal::NotFound(Record::Assessment).into()),
                },
            };
            referral_id = Some(referral);
            self.referral_for(&mut *tx, ctx, referral).await?;
            let found = found.ok_or(Refusal::NotFound(Record::AssessmentVersion))?;
            tx.append_audit(&ctx.audit(AuditAction::AssessmentGet, referral, Outcome::Ok))
                .await?;
            tx.commit().await?;
            Ok(found)
        }
        .await;
        ctx.audited(&self.store, AuditAction::AssessmentGet, referral_id, result)
            .await
    }

    /// A referral's assessments, newest first.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list(
        &self,
        ctx: &RequestContext,
        request: ListAssessments,
    ) -> Result<Page<Assessment, AssessmentId>> {
        let referral_id = request.referral;
        let result = async {
            let mut tx = self.store.begin().await?;
            self.referral_for(&mut *tx, ctx, referral_id).await?;
            let page = tx.list_assessments(referral_id, request.page).await?;
            tx.append_audit(&ctx.audit(AuditAction::AssessmentList, referral_id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            Ok(page)
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::AssessmentList,
            Some(referral_id),
            result,
        )
        .await
    }

    /// Per instrument, the latest score of the referral against the earlier ones.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn compare(
        &self,
        ctx: &RequestContext,
        referral_id: ReferralId,
    ) -> Result<Vec<Comparison>> {
        let result = async {
            let mut tx = self.store.begin().await?;
            self.referral_for(&mut *tx, ctx, referral_id).await?;
            let mut all = Vec::new();
            let mut page = PageRequest::first(ASSESSMENT_PAGE.max);
            loop {
                let read = tx.list_assessments(referral_id, page).await?;
                all.extend(read.items);
                match read.next_after {
                    Some(next) => page.after = Some(next),
                    None => break,
                }
            }
            tx.append_audit(&ctx.audit(AuditAction::AssessmentCompare, referral_id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            Ok(compare(&all))
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::AssessmentCompare,
            Some(referral_id),
            result,
        )
        .await
    }

    /// The referral, if the caller may work on its assessments.
    async fn referral_for(
        &self,
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

    /// After a submission or an amendment: metrics and the log for what committed; the
    /// audit row for what was refused.
    async fn finish(
        &self,
        ctx: &RequestContext,
        action: AuditAction,
        referral: Option<ReferralId>,
        result: Result<(Assessment, Consequences)>,
    ) -> Result<Assessment> {
        let (assessment, done) = ctx.audited(&self.store, action, referral, result).await?;
        if done.recorded {
            self.metrics.scored(&assessment);
        }
        for flag in &done.raised {
            self.metrics.raised(flag);
            tracing::warn!(
                instrument = flag.instrument.id(),
                kind = flag.kind.as_str(),
                "risk flag raised"
            );
        }
        Ok(assessment)
    }
}

/// Why a referral in `status` takes no new assessment.
fn not_assessable(status: Status) -> Error {
    Refusal::WrongStatus {
        status,
        what: "cannot be assessed: it must be ACCEPTED or IN_PROGRESS",
    }
    .into()
}

/// A stable digest of what a submission says, to tell a true replay from a reused id.
fn fingerprint(referral: ReferralId, draft: &AssessmentDraft) -> String {
    yishe_runtime::fingerprint::of(&(referral, draft))
}
