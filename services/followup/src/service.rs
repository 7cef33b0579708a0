//! The follow-up use-cases: contacts (the first sets the referral's first contact and
//! tells the department; a shared note tells it too), progress notes for the
//! department, and follow-ups. Each runs in one transaction with its audit row against
//! the referral; a refused attempt is audited in a transaction of its own.

use yishe_domain::assessment::{Access, assessment_access};
use yishe_domain::followup::{
    Contact, DuePosition, FollowUp, FollowUpStep, ListContacts, ListFollowUps, Phase, Purpose,
    RecordContact, ScheduleFollowUp, StepFollowUp,
};
use yishe_domain::referral::{Actor, Change, EventType, Referral, ReferralEvent, Status, can_see};
use yishe_domain::{AuditAction, ContactId, FollowUpId, Outcome, Page, ReferralId, Role};
use yishe_runtime::auth::RequestContext;
use yishe_store::{FollowUpScope, Recorded, Store, Tx};

use crate::error::{Error, Record, Refusal, Result, step_error};
use crate::metrics::FollowUpMetrics;

/// The most progress notes one read returns.
const NOTES: u32 = 100;

/// Everything the use-cases need.
#[derive(Debug, Clone)]
pub(crate) struct FollowUpService {
    pub(crate) store: Store,
    pub(crate) metrics: FollowUpMetrics,
}

/// The referral, if the caller may work on its contacts and follow-ups: its assigned
/// social worker or a supervisor of its station.
async fn referral_for(tx: &mut dyn Tx, ctx: &RequestContext, id: ReferralId) -> Result<Referral> {
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

/// A worker's display name, or empty.
async fn name_of(tx: &mut dyn Tx, worker: Option<yishe_domain::SocialWorkerId>) -> Result<String> {
    Ok(match worker {
        Some(w) => tx
            .get_worker(w)
            .await?
            .map(|w| w.display_name)
            .unwrap_or_default(),
        None => String::new(),
    })
}

impl FollowUpService {
    pub(crate) fn new(store: Store, metrics: FollowUpMetrics) -> Self {
        Self { store, metrics }
    }

    /// Records a contact, or returns the one a replay of the same request recorded. The
    /// call carries no etag, so a referral changed meanwhile (two first contacts at
    /// once) is read again and tried once more rather than answered ABORTED.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn record_contact(
        &self,
        ctx: &RequestContext,
        request: RecordContact,
    ) -> Result<(Contact, String)> {
        match self.try_record_contact(ctx, request.clone()).await {
            Err(Error::Store(yishe_store::Error::Stale)) => {
                self.try_record_contact(ctx, request).await
            }
            done => done,
        }
    }

    async fn try_record_contact(
        &self,
        ctx: &RequestContext,
        request: RecordContact,
    ) -> Result<(Contact, String)> {
        let RecordContact {
            referral: referral_id,
            request_id,
            draft,
        } = request;
        let fingerprint = yishe_runtime::fingerprint::of(&(referral_id, &draft));
        let consent_reconfirmed = draft.consent_reconfirmed;
        let now = ctx.now();
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut referral = referral_for(&mut *tx, ctx, referral_id).await?;
            let mut contact = draft
                .validate(
                    referral.id,
                    referral.station.clone(),
                    request_id,
                    ctx.caller.subject.clone(),
                    ctx.caller.worker,
                    referral.created_at,
                    now,
                )
                .map_err(Error::Invalid)?;
            contact.first = referral.first_contact_at.is_none();
            let (contact, recorded) = match tx.insert_contact(&contact, &fingerprint).await? {
                Recorded::Existing(existing, stored) if stored == fingerprint => (*existing, false),
                Recorded::Existing(..) => return Err(Refusal::RequestIdReused.into()),
                Recorded::Inserted => (contact, true),
            };
            if recorded {
                if !referral.status.is_open_case() {
                    return Err(Refusal::WrongStatus(referral.status).into());
                }
                // The department hears of the first contact once; a contact recorded
                // late that came earlier moves the time back, quietly.
                let earlier = referral.first_contact_at.is_some_and(|t| contact.at < t);
                if contact.first || earlier {
                    let by = Actor::Caller(ctx.caller.role);
                    let first = Change::FirstContact {
                        at: contact.at,
                        consent_reconfirmed,
                    };
                    let event = referral.apply(first, by, now)?;
                    let events = if contact.first {
                        vec![event]
                    } else {
                        Vec::new()
                    };
                    tx.save_referral(&mut referral, &events).await?;
                }
                if contact.shared() {
                    let shared = ReferralEvent::of(EventType::ProgressNoteShared, &referral, now);
                    tx.append_event(&shared).await?;
                }
            }
            let action = if recorded {
                AuditAction::ContactRecord
            } else {
                AuditAction::ContactRecordReplay
            };
            tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
                .await?;
            let name = name_of(&mut *tx, contact.recorded_by_worker).await?;
            tx.commit().await?;
            if recorded {
                self.metrics.contact(contact.channel);
                if contact.first {
                    self.metrics.first_contact(&referral, contact.at);
                }
            }
            Ok((contact, name))
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::ContactRecord,
            Some(referral_id),
            result,
        )
        .await
    }

    /// A referral's contacts, newest first, each with its recorder's name.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list_contacts(
        &self,
        ctx: &RequestContext,
        request: ListContacts,
    ) -> Result<Page<(Contact, String), ContactId>> {
        let result = async {
            let mut tx = self.store.begin().await?;
            referral_for(&mut *tx, ctx, request.referral).await?;
            let page = tx.list_contacts(request.referral, request.page).await?;
            let mut items = Vec::with_capacity(page.items.len());
            for contact in page.items {
                let name = name_of(&mut *tx, contact.recorded_by_worker).await?;
                items.push((contact, name));
            }
            tx.append_audit(&ctx.audit(AuditAction::ContactList, request.referral, Outcome::Ok))
                .await?;
            tx.commit().await?;
            Ok(Page {
                items,
                next_after: page.next_after,
            })
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::ContactList,
            Some(request.referral),
            result,
        )
        .await
    }

    /// The progress notes shared with the department: for anyone who may see the
    /// referral, the department's HIS included.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn progress_notes(
        &self,
        ctx: &RequestContext,
        referral_id: ReferralId,
    ) -> Result<Vec<Contact>> {
        let result = async {
            let mut tx = self.store.begin().await?;
            let referral = tx
                .get_referral(referral_id)
                .await?
                .filter(|r| can_see(&ctx.caller, r.scope()))
                .ok_or(Refusal::NotFound(Record::Referral))?;
            let notes = tx.shared_contacts(referral.id, NOTES).await?;
            tx.append_audit(&ctx.audit(AuditAction::ProgressNoteList, referral.id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            Ok(notes)
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::ProgressNoteList,
            Some(referral_id),
            result,
        )
        .await
    }

    /// Schedules a follow-up, or returns the one a replay of the same request made.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn schedule(
        &self,
        ctx: &RequestContext,
        request: ScheduleFollowUp,
    ) -> Result<(FollowUp, String)> {
        let ScheduleFollowUp {
            referral: referral_id,
            request_id,
            draft,
        } = request;
        let fingerprint = yishe_runtime::fingerprint::of(&(referral_id, &draft));
        let now = ctx.now();
        let result = async {
            let mut tx = self.store.begin().await?;
            let referral = referral_for(&mut *tx, ctx, referral_id).await?;
            let assignee = draft.assignee.or(referral.assigned_worker);
            let follow_up = draft
                .validate(
                    referral.id,
                    referral.station.clone(),
                    request_id,
                    assignee,
                    ctx.caller.subject.clone(),
                    now,
                )
                .map_err(Error::Invalid)?;
            let after_closure = follow_up.phase == yishe_domain::followup::Phase::AfterClosure;
            let (follow_up, scheduled) = match tx.insert_follow_up(&follow_up, &fingerprint).await?
            {
                Recorded::Existing(existing, stored) if stored == fingerprint => (*existing, false),
                Recorded::Existing(..) => return Err(Refusal::RequestIdReused.into()),
                Recorded::Inserted => (follow_up, true),
            };
            // Checked after the insert so that a replay returns the first result even
            // if the case or the worker has moved on; dropping `tx` undoes the insert.
            if scheduled {
                let fits = if after_closure {
                    referral.accepted_at.is_some() && referral.status != Status::EnteredInError
                } else {
                    referral.status.is_open_case()
                };
                if !fits {
                    return Err(Refusal::WrongStatus(referral.status).into());
                }
                if let Some(worker) = follow_up.assignee {
                    tx.get_worker(worker)
                        .await?
                        .filter(|w| w.station == referral.station && w.active)
                        .ok_or(Refusal::NotFound(Record::Worker))?;
                }
            }
            let action = if scheduled {
                AuditAction::FollowUpSchedule
            } else {
                AuditAction::FollowUpScheduleReplay
            };
            tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
                .await?;
            let name = name_of(&mut *tx, follow_up.assignee).await?;
            tx.commit().await?;
            if scheduled {
                self.metrics.follow_up("scheduled", follow_up.purpose);
            }
            Ok((follow_up, name))
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::FollowUpSchedule,
            Some(referral_id),
            result,
        )
        .await
    }

    /// The follow-up, if the caller may work on its referral.
    /// The follow-up, if the caller may work on its referral now (its assigned worker,
    /// a supervisor): access follows the case, so a reassigned case's follow-ups go
    /// with it. `referral` learns the referral, for the audit of a refusal.
    async fn follow_up_for(
        &self,
        tx: &mut dyn Tx,
        ctx: &RequestContext,
        id: FollowUpId,
        referral: &mut Option<ReferralId>,
    ) -> Result<FollowUp> {
        let follow_up = tx
            .get_follow_up(id)
            .await?
            .ok_or(Refusal::NotFound(Record::FollowUp))?;
        *referral = Some(follow_up.referral);
        match referral_for(tx, ctx, follow_up.referral).await {
            Ok(_) => Ok(follow_up),
            Err(Error::Refused(Refusal::NotFound(_))) => {
                Err(Refusal::NotFound(Record::FollowUp).into())
            }
            Err(other) => Err(other),
        }
    }

    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn get(
        &self,
        ctx: &RequestContext,
        id: FollowUpId,
    ) -> Result<(FollowUp, String)> {
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let follow_up = self
                .follow_up_for(&mut *tx, ctx, id, &mut referral_id)
                .await?;
            tx.append_audit(&ctx.audit(AuditAction::FollowUpGet, follow_up.referral, Outcome::Ok))
                .await?;
            let name = name_of(&mut *tx, follow_up.assignee).await?;
            tx.commit().await?;
            Ok((follow_up, name))
        }
        .await;
        ctx.audited(&self.store, AuditAction::FollowUpGet, referral_id, result)
            .await
    }

    /// A social worker's own follow-ups, or the station's for a supervisor, soonest due
    /// first: one audit row names every referral behind them.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list(
        &self,
        ctx: &RequestContext,
        request: ListFollowUps,
    ) -> Result<Page<(FollowUp, String), DuePosition>> {
        let result = async {
            let station = ctx.caller.own_station().map_err(Error::Invalid)?;
            let scope = match (ctx.caller.role, ctx.caller.worker) {
                (Role::Supervisor, _) => FollowUpScope::Station(station),
                (_, Some(worker)) => FollowUpScope::Caseload { station, worker },
                (_, None) => {
                    return Ok(Page {
                        items: Vec::new(),
                        next_after: None,
                    });
                }
            };
            let mut tx = self.store.begin().await?;
            let page = tx
                .list_follow_ups(&scope, &request.filter, request.page)
                .await?;
            let mut items = Vec::with_capacity(page.items.len());
            for follow_up in page.items {
                let name = name_of(&mut *tx, follow_up.assignee).await?;
                items.push((follow_up, name));
            }
            let referrals = items.iter().map(|(f, _)| f.referral.to_string()).collect();
            tx.append_audit(
                &ctx.audit(AuditAction::FollowUpList, "", Outcome::Ok)
                    .about_each(referrals),
            )
            .await?;
            tx.commit().await?;
            Ok(Page {
                items,
                next_after: page.next_after,
            })
        }
        .await;
        ctx.audited(
            &self.store,
            AuditAction::FollowUpList,
            None::<String>,
            result,
        )
        .await
    }

    /// Reschedules, records an attempt on, completes or cancels a follow-up.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn step(
        &self,
        ctx: &RequestContext,
        request: StepFollowUp,
    ) -> Result<(FollowUp, String)> {
        let StepFollowUp { id, etag, step } = request;
        let action = match &step {
            FollowUpStep::Reschedule { .. } => AuditAction::FollowUpReschedule,
            FollowUpStep::Attempt(_) => AuditAction::FollowUpAttempt,
            FollowUpStep::Complete { .. } => AuditAction::FollowUpComplete,
            FollowUpStep::Cancel { .. } => AuditAction::FollowUpCancel,
        };
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut follow_up = self
                .follow_up_for(&mut *tx, ctx, id, &mut referral_id)
                .await?;
            etag.check(follow_up.version, "follow-up")?;
            // What the server escalated, and the safety check a risk called for, are
            // moved or dropped by a supervisor, never quietly by the worker.
            let guarded = follow_up.escalated || follow_up.purpose == Purpose::SafetyCheck;
            let moves_away = matches!(
                step,
                FollowUpStep::Reschedule { .. } | FollowUpStep::Cancel { .. }
            );
            if guarded && moves_away && ctx.caller.role != Role::Supervisor {
                return Err(Refusal::SupervisorsOnly.into());
            }
            match step {
                FollowUpStep::Reschedule { due_at, reason } => {
                    follow_up.reschedule(due_at, &reason, now)
                }
                FollowUpStep::Attempt(attempt) => follow_up.attempt(attempt, now),
                FollowUpStep::Complete {
                    outcome,
                    note,
                    assessment,
                } => {
                    if let Some(assessment) = assessment {
                        tx.get_assessment(assessment, None)
                            .await?
                            .filter(|a| a.referral == follow_up.referral)
                            .ok_or_else(|| {
                                Error::Invalid(yishe_domain::Violations::one(
                                    "assessment_id",
                                    "is not an assessment of this follow-up's referral",
                                ))
                            })?;
                    }
                    follow_up.complete(outcome, &note, assessment, now)
                }
                FollowUpStep::Cancel { reason } => follow_up.cancel(&reason, now),
            }
            .map_err(step_error)?;
            follow_up.version += 1;
            tx.save_follow_up(&follow_up).await?;
            tx.append_audit(&ctx.audit(action, follow_up.referral, Outcome::Ok))
                .await?;
            let name = name_of(&mut *tx, follow_up.assignee).await?;
            tx.commit().await?;
            let event = match follow_up.state {
                yishe_domain::followup::FollowUpState::Done => Some("done"),
                yishe_domain::followup::FollowUpState::Missed => Some("missed"),
                yishe_domain::followup::FollowUpState::Cancelled => Some("cancelled"),
                yishe_domain::followup::FollowUpState::Scheduled => None,
            };
            if let Some(event) = event {
                self.metrics.follow_up(event, follow_up.purpose);
            }
            Ok((follow_up, name))
        }
        .await;
        ctx.audited(&self.store, action, referral_id, result).await
    }

    /// Marks follow-ups past their grace period overdue and escalates those overdue
    /// past their delay, each with a station-only event, an audit row and a metric;
    /// returns how many it changed.
    pub(crate) async fn watch(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize> {
        let mut tx = self.store.begin().await?;
        let due = tx.follow_ups_to_mark(now, WATCH_BATCH).await?;
        let mut changed = Vec::new();
        for mut follow_up in due {
            let Some(referral) = tx.get_referral(follow_up.referral).await? else {
                continue;
            };
            let mut events = Vec::new();
            if referral.status.is_terminal() && follow_up.phase == Phase::DuringCase {
                // The case ended: nothing is due any more (and the row leaves the
                // watch's query, so it does not hold back the rows behind it).
                if follow_up.cancel("个案已结束 (the case ended)", now).is_ok() {
                    follow_up.version += 1;
                    tx.save_follow_up(&follow_up).await?;
                    tx.append_audit(&yishe_store::AuditEntry::system(
                        AuditAction::FollowUpCancel,
                        referral.id,
                        now,
                    ))
                    .await?;
                    changed.push(("cancelled", follow_up.purpose));
                }
                continue;
            }
            if follow_up.mark_overdue(referral.priority, now) {
                events.push((
                    EventType::FollowUpOverdue,
                    AuditAction::FollowUpOverdue,
                    "overdue",
                ));
            }
            // A safety check is escalated in the same pass it becomes overdue.
            if follow_up.mark_escalated(now) {
                events.push((
                    EventType::FollowUpEscalated,
                    AuditAction::FollowUpEscalate,
                    "escalated",
                ));
            }
            if events.is_empty() {
                continue;
            }
            follow_up.version += 1;
            tx.save_follow_up(&follow_up).await?;
            for (event, action, metric) in events {
                let mut e = ReferralEvent::of(event, &referral, now);
                e.follow_up = Some(follow_up.id);
                tx.append_event(&e).await?;
                tx.append_audit(&yishe_store::AuditEntry::system(action, referral.id, now))
                    .await?;
                changed.push((metric, follow_up.purpose));
            }
        }
        tx.commit().await?;
        for (metric, purpose) in &changed {
            self.metrics.follow_up(metric, *purpose);
        }
        if !changed.is_empty() {
            tracing::warn!(changes = changed.len(), "follow-ups overdue or escalated");
        }
        Ok(changed.len())
    }
}

/// The most follow-ups one pass of the watch looks at.
pub(crate) const WATCH_BATCH: u32 = 100;
