//! The referral use-cases. Each runs in one transaction: the change, its event and its
//! audit row commit together. A refused attempt on a referral is audited too, in a
//! transaction of its own after the refused one rolled back.

use std::sync::Arc;

use chrono::Utc;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use yishe_domain::directory::{AssignmentTarget, check_assignment};
use yishe_domain::referral::{
    Command, EventType, ListFilter, ListScope, NewReferral, Referral, ReferralDraft, ReferralEvent,
    RejectionReason, Status, StatusReason, can_see,
};
use yishe_domain::{AcceptanceDeadlines, ReferralId, Role, SocialWorkerId, StationId, Violations};
use yishe_domain::{AuditAction, Clock, Code, Etag, Outcome};
use yishe_runtime::Metrics;
use yishe_runtime::auth::RequestContext;
use yishe_store::{AuditEntry, Created, Store, Tx};

use crate::error::{Error, Result};

/// The default and the largest page of ListReferrals.
const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 500;
const MAX_NOTE: usize = 2000;

/// A page of referrals and the token for the next one.
#[derive(Debug)]
pub struct Page {
    pub referrals: Vec<Referral>,
    pub next_page_token: String,
}

/// The station's answer to a referral, or a step in its case.
#[derive(Debug, Clone)]
pub enum Change {
    Accept,
    Reject {
        reason: Option<RejectionReason>,
        note: String,
    },
    Hold {
        note: String,
    },
    Resume {
        note: String,
    },
    Cancel {
        note: String,
        entered_in_error: bool,
    },
}

impl Change {
    fn command(&self) -> Command {
        match self {
            Change::Accept => Command::Accept,
            Change::Reject { .. } => Command::Reject,
            Change::Hold { .. } => Command::Hold,
            Change::Resume { .. } => Command::Resume,
            Change::Cancel {
                entered_in_error: true,
                ..
            } => Command::Retract,
            Change::Cancel { .. } => Command::Cancel,
        }
    }

    fn action(&self) -> AuditAction {
        match self {
            Change::Accept => AuditAction::ReferralAccept,
            Change::Reject { .. } => AuditAction::ReferralReject,
            Change::Hold { .. } => AuditAction::ReferralHold,
            Change::Resume { .. } => AuditAction::ReferralResume,
            Change::Cancel {
                entered_in_error: true,
                ..
            } => AuditAction::ReferralRetract,
            Change::Cancel { .. } => AuditAction::ReferralCancel,
        }
    }

    fn event(&self) -> EventType {
        match self {
            Change::Accept => EventType::Accepted,
            Change::Reject { .. } => EventType::Rejected,
            Change::Hold { .. } => EventType::Held,
            Change::Resume { .. } => EventType::Resumed,
            Change::Cancel {
                entered_in_error: true,
                ..
            } => EventType::EnteredInError,
            Change::Cancel { .. } => EventType::Cancelled,
        }
    }

    /// Checks the change's own fields and returns the status reason it records.
    fn status_reason(&self) -> Result<Option<StatusReason>> {
        let mut v = Violations::new();
        let reason = match self {
            Change::Accept => None,
            Change::Reject { reason, note } => {
                let note = v.optional_text("note", note, MAX_NOTE);
                match reason {
                    None => v.add("reason", "is required: a known rejection reason"),
                    Some(RejectionReason::Other) if note.is_empty() => {
                        v.add("note", "is required when the reason is OTHER")
                    }
                    Some(_) => {}
                }
                Some(StatusReason {
                    rejection_reason: *reason,
                    note,
                })
            }
            Change::Hold { note } | Change::Cancel { note, .. } => Some(StatusReason {
                rejection_reason: None,
                note: v.required_text("note", note, MAX_NOTE),
            }),
            Change::Resume { note } => Some(StatusReason {
                rejection_reason: None,
                note: v.optional_text("note", note, MAX_NOTE),
            }),
        };
        v.into_result(reason).map_err(Error::Invalid)
    }
}

/// Everything the use-cases need.
#[derive(Debug, Clone)]
pub struct ReferralService {
    store: Store,
    metrics: Metrics,
    default_station: StationId,
    deadlines: AcceptanceDeadlines,
    clock: Arc<dyn Clock>,
    /// Wakes the relay after a commit, so watchers see events within milliseconds.
    relay_kick: Arc<Notify>,
}

impl ReferralService {
    pub fn new(
        store: Store,
        metrics: Metrics,
        default_station: StationId,
        deadlines: AcceptanceDeadlines,
        clock: Arc<dyn Clock>,
        relay_kick: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            metrics,
            default_station,
            deadlines,
            clock,
            relay_kick,
        }
    }

    /// Creates a referral, or returns the one a replay of the same request created.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn create(&self, ctx: &RequestContext, draft: ReferralDraft) -> Result<Referral> {
        let now = ctx.now();
        let new = draft.validate(now).map_err(Error::Invalid)?;
        if !ctx.caller.may_refer_from(&new.hospital, &new.department) {
            return Err(Error::Forbidden(
                "this key may not refer from that hospital and department".into(),
            ));
        }
        let fingerprint = fingerprint(&new);
        let mut tx = self.store.begin().await?;
        match tx.get_department(new.department).await? {
            Some(d) if d.hospital == new.hospital => {}
            _ => {
                return Err(Error::Invalid(Violations::one(
                    "referral.department_id",
                    "is not a registered department of this hospital",
                )));
            }
        }
        let referral = self.referral_from(new, &ctx.caller.subject, now);
        match tx.insert_referral(&referral, &fingerprint).await? {
            Created::Inserted => {
                tx.append_event(&ReferralEvent::of(EventType::Created, &referral, now))
                    .await?;
                tx.append_audit(&ctx.audit(AuditAction::ReferralCreate, referral.id, Outcome::Ok))
                    .await?;
                tx.commit().await?;
                self.relay_kick.notify_one();
                for reason in &referral.reasons {
                    self.metrics
                        .referrals_created
                        .with_label_values(&[referral.priority.as_str(), reason.as_str()])
                        .inc();
                }
                tracing::info!(referral_id = %referral.id, priority = referral.priority.as_str(), "referral created");
                Ok(referral)
            }
            Created::Existing(existing, stored_fingerprint) => {
                if stored_fingerprint != fingerprint {
                    drop(tx);
                    self.audit_refusal(
                        ctx,
                        AuditAction::ReferralCreateReplay,
                        Some(existing.id),
                        &Error::RequestIdReused,
                    )
                    .await;
                    return Err(Error::RequestIdReused);
                }
                tx.append_audit(&ctx.audit(
                    AuditAction::ReferralCreateReplay,
                    existing.id,
                    Outcome::Ok,
                ))
                .await?;
                tx.commit().await?;
                Ok(*existing)
            }
        }
    }

    fn referral_from(
        &self,
        new: NewReferral,
        created_by: &str,
        now: chrono::DateTime<Utc>,
    ) -> Referral {
        let deadline = self.deadlines.deadline(new.priority, now);
        Referral {
            id: ReferralId::new(),
            request_id: new.request_id,
            created_by: created_by.to_owned(),
            hospital: new.hospital,
            department: new.department,
            clinician: new.clinician,
            patient: new.patient,
            reasons: new.reasons,
            note: new.note,
            priority: new.priority,
            consent: new.consent,
            status: Status::Requested,
            status_reason: StatusReason::default(),
            station: new.station.unwrap_or_else(|| self.default_station.clone()),
            assigned_worker: None,
            assigned_worker_name: None,
            acceptance_deadline: deadline,
            sla_breached: false,
            accepted_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// Reads one referral the caller may see; or, for a supervisor giving a
    /// break-glass reason, one outside their scope.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %id))]
    pub async fn get(
        &self,
        ctx: &RequestContext,
        id: ReferralId,
        break_glass_reason: &str,
    ) -> Result<Referral> {
        let reason = break_glass_reason.trim();
        if !reason.is_empty() {
            let mut v = Violations::new();
            let length = reason.chars().count();
            if !(10..=500).contains(&length) {
                v.add(
                    "break_glass_reason",
                    "must be 10 to 500 characters saying why",
                );
            }
            v.optional_text("break_glass_reason", reason, 500);
            v.into_result(()).map_err(Error::Invalid)?;
        }
        let mut tx = self.store.begin().await?;
        let Some(referral) = tx.get_referral(id).await? else {
            tx.append_audit(&ctx.audit(
                AuditAction::ReferralGet,
                id,
                Outcome::Refused(Code::NotFound),
            ))
            .await?;
            tx.commit().await?;
            return Err(Error::NotFound);
        };
        if can_see(&ctx.caller, referral.scope()) {
            tx.append_audit(&ctx.audit(AuditAction::ReferralGet, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok(referral);
        }
        if reason.is_empty() || ctx.caller.role != Role::Supervisor {
            tx.append_audit(&ctx.audit(
                AuditAction::ReferralGet,
                id,
                Outcome::Refused(Code::NotFound),
            ))
            .await?;
            tx.commit().await?;
            return Err(Error::NotFound);
        }
        let now = ctx.now();
        let entry = ctx.audit(AuditAction::ReferralBreakGlass, id, Outcome::Ok);
        tx.append_audit(&entry.with_purpose(reason)).await?;
        tx.append_event(&ReferralEvent::of(EventType::BreakGlass, &referral, now))
            .await?;
        tx.commit().await?;
        self.relay_kick.notify_one();
        self.metrics
            .break_glass
            .with_label_values(&[ctx.caller.role.as_str()])
            .inc();
        tracing::warn!(referral_id = %id, "break-glass access");
        Ok(referral)
    }

    /// Lists what the caller may see, newest first.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub async fn list(
        &self,
        ctx: &RequestContext,
        filter: &str,
        page_size: i32,
        page_token: &str,
    ) -> Result<Page> {
        let mut v = Violations::new();
        let filter = ListFilter::parse(filter).unwrap_or_else(|e| {
            e.iter().for_each(|x| v.add(&x.field, &x.description));
            ListFilter::default()
        });
        let limit = v.page_size(page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        let after = v.page_token(page_token, ReferralId::parse);
        if !v.is_empty() {
            return Err(Error::Invalid(v));
        }
        let scope = ListScope::of(&ctx.caller);
        let mut tx = self.store.begin().await?;
        let page = tx.list_referrals(&scope, &filter, after, limit).await?;
        for r in &page.referrals {
            tx.append_audit(&ctx.audit(AuditAction::ReferralList, r.id, Outcome::Ok))
                .await?;
        }
        tx.commit().await?;
        Ok(Page {
            referrals: page.referrals,
            next_page_token: page.next_after.map(|id| id.to_string()).unwrap_or_default(),
        })
    }

    /// Accept, reject, hold, resume or cancel.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %id, action = change.action().as_str()))]
    pub async fn change(
        &self,
        ctx: &RequestContext,
        id: ReferralId,
        etag: &str,
        change: Change,
    ) -> Result<Referral> {
        let reason = change.status_reason()?;
        let now = ctx.now();
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut referral = self.visible_for_change(&mut *tx, ctx, id, etag).await?;
            let next = referral
                .status
                .apply_as(change.command(), ctx.caller.role)?;
            if let Some(reason) = reason {
                referral.status_reason = reason;
            }
            if change.command() == Command::Accept {
                referral.accepted_at = Some(now);
            }
            referral.status = next;
            self.save(tx, ctx, referral, change.event(), change.action(), now)
                .await
        }
        .await;
        match result {
            Ok(referral) => {
                if let (Change::Accept, Some(accepted)) = (&change, referral.accepted_at) {
                    let waited =
                        (accepted - referral.created_at).num_milliseconds().max(0) as f64 / 1000.0;
                    self.metrics
                        .time_to_accept_seconds
                        .with_label_values(&[referral.priority.as_str()])
                        .observe(waited);
                }
                Ok(referral)
            }
            Err(error) => {
                self.audit_refusal(ctx, change.action(), Some(id), &error)
                    .await;
                Err(error)
            }
        }
    }

    /// A supervisor assigns the case to a social worker of the station.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %id))]
    pub async fn assign(
        &self,
        ctx: &RequestContext,
        id: ReferralId,
        etag: &str,
        worker: &str,
    ) -> Result<Referral> {
        let worker = SocialWorkerId::parse(worker).ok_or_else(|| {
            Error::Invalid(Violations::one(
                "social_worker_id",
                "must be a social worker id (a UUID)",
            ))
        })?;
        let now = ctx.now();
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut referral = self.visible_for_change(&mut *tx, ctx, id, etag).await?;
            if ctx.caller.role != Role::Supervisor {
                return Err(Error::Forbidden(
                    "only a supervisor assigns referrals".into(),
                ));
            }
            if !referral.status.is_open_case() {
                return Err(Error::Precondition(format!(
                    "a referral in status {} cannot be assigned; accept it first",
                    referral.status.as_str()
                )));
            }
            let candidate = tx.lock_worker(worker).await?.ok_or(Error::WorkerNotFound)?;
            let already = referral.assigned_worker == Some(worker);
            check_assignment(
                &candidate.load(already),
                &AssignmentTarget {
                    station: &referral.station,
                    priority: referral.priority,
                    reasons: &referral.reasons,
                },
            )?;
            referral.assigned_worker = Some(worker);
            referral.assigned_worker_name = Some(candidate.display_name.clone());
            self.save(
                tx,
                ctx,
                referral,
                EventType::Assigned,
                AuditAction::ReferralAssign,
                now,
            )
            .await
        }
        .await;
        if let Err(error) = &result {
            self.audit_refusal(ctx, AuditAction::ReferralAssign, Some(id), error)
                .await;
        }
        result
    }

    /// Marks referrals still REQUESTED after their deadline as breached, once each.
    pub async fn mark_sla_breaches(&self) -> Result<usize> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let overdue = tx.overdue_referrals(now, 100).await?;
        for mut referral in overdue.iter().cloned() {
            referral.sla_breached = true;
            referral.updated_at = now;
            referral.version += 1;
            tx.update_referral(&referral).await?;
            tx.append_event(&ReferralEvent::of(EventType::SlaBreached, &referral, now))
                .await?;
            tx.append_audit(&AuditEntry::system(
                AuditAction::ReferralSlaBreach,
                referral.id,
                now,
            ))
            .await?;
        }
        tx.commit().await?;
        for referral in &overdue {
            self.metrics
                .sla_breaches
                .with_label_values(&[referral.priority.as_str()])
                .inc();
            tracing::warn!(referral_id = %referral.id, priority = referral.priority.as_str(), "acceptance deadline missed");
        }
        if !overdue.is_empty() {
            self.relay_kick.notify_one();
        }
        Ok(overdue.len())
    }

    /// The referral, if the caller may see it and `etag` is current.
    async fn visible_for_change(
        &self,
        tx: &mut dyn Tx,
        ctx: &RequestContext,
        id: ReferralId,
        etag: &str,
    ) -> Result<Referral> {
        let referral = tx
            .get_referral(id)
            .await?
            .filter(|r| can_see(&ctx.caller, r.scope()))
            .ok_or(Error::NotFound)?;
        let etag = Etag::parse(etag).ok_or_else(|| {
            Error::Invalid(Violations::one(
                "etag",
                "is required: send the etag last read",
            ))
        })?;
        etag.check(referral.version, "referral")?;
        Ok(referral)
    }

    /// Writes a changed referral with its event and audit row, and commits.
    async fn save(
        &self,
        mut tx: Box<dyn Tx>,
        ctx: &RequestContext,
        mut referral: Referral,
        event: EventType,
        action: AuditAction,
        now: chrono::DateTime<Utc>,
    ) -> Result<Referral> {
        referral.updated_at = now;
        referral.version += 1;
        tx.update_referral(&referral).await?;
        tx.append_event(&ReferralEvent::of(event, &referral, now))
            .await?;
        tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        self.relay_kick.notify_one();
        tracing::info!(referral_id = %referral.id, status = referral.status.as_str(), action = action.as_str(), "referral changed");
        Ok(referral)
    }

    /// Records a refused attempt on a referral.
    async fn audit_refusal(
        &self,
        ctx: &RequestContext,
        action: AuditAction,
        id: Option<ReferralId>,
        error: &Error,
    ) {
        let id = id.map(|r| r.to_string()).unwrap_or_default();
        ctx.audit_refusal(&self.store, action, id, error).await;
    }
}

/// A stable digest of what a referral says, to tell a true replay from a reused id.
fn fingerprint(new: &NewReferral) -> String {
    let canonical = serde_json::to_vec(new).expect("domain values serialize");
    hex::encode(Sha256::digest(canonical))
}
