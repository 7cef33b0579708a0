//! The referral use-cases. Each runs in one transaction: the change, its event and its
//! audit row commit together. A refused attempt on a referral is audited too, in a
//! transaction of its own after the refused one rolled back.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use yishe_domain::referral::{
    Actor, AssignReferral, Change, ChangeReferral, ClosureRules, EventType, GetReferral,
    HistoryEntry, ListFilter, ListOrder, ListPosition, ListReferrals, ListScope, NewReferral,
    Referral, ReferralDraft, ReferralEvent, Status, StatusReason, can_see,
};
use yishe_domain::{
    AcceptanceDeadlines, AuditAction, Clock, Code, DepartmentId, Etag, HospitalId, Outcome, Page,
    PageRequest, ReferralId, Role, StationId, Violations,
};
use yishe_runtime::auth::RequestContext;
use yishe_store::{AuditEntry, CreateOutcome, Store, Tx};

use crate::error::{Error, Refusal, Result};
use crate::metrics::ReferralMetrics;

/// Everything the use-cases need.
#[derive(Debug, Clone)]
pub(crate) struct ReferralService {
    pub(crate) store: Store,
    pub(crate) metrics: ReferralMetrics,
    default_station: StationId,
    deadlines: AcceptanceDeadlines,
    clock: Arc<dyn Clock>,
    /// How far back a referral read by the station shows the patient's other cases.
    history: chrono::Duration,
    /// Reopening period, satisfaction scale, follow-ups after closure.
    closure: Arc<ClosureRules>,
}

impl ReferralService {
    pub(crate) fn new(
        store: Store,
        metrics: ReferralMetrics,
        default_station: StationId,
        deadlines: AcceptanceDeadlines,
        clock: Arc<dyn Clock>,
        history: chrono::Duration,
        closure: ClosureRules,
    ) -> Self {
        Self {
            store,
            metrics,
            default_station,
            deadlines,
            clock,
            history,
            closure: Arc::new(closure),
        }
    }

    /// The station's closure settings.
    pub(crate) fn closure_rules(&self) -> &ClosureRules {
        &self.closure
    }

    /// The patient's other cases at the station, beside `referral`, for the station's
    /// own supervisors and social workers (these see only the cases they could open:
    /// their own and the unassigned); nothing for anyone else, the department above
    /// all. What it shows is audited as one list naming each case.
    pub(crate) async fn history(
        &self,
        ctx: &RequestContext,
        referral: &Referral,
    ) -> Result<Vec<HistoryEntry>> {
        let station_staff = matches!(ctx.caller.role, Role::SocialWorker | Role::Supervisor)
            && ctx.caller.station.as_ref() == Some(&referral.station);
        if !station_staff {
            return Ok(Vec::new());
        }
        let since = ctx.now() - self.history;
        let mut entries = self.store.patient_history(referral, since).await?;
        if ctx.caller.role == Role::SocialWorker {
            entries
                .retain(|e| e.assigned_worker.is_none() || e.assigned_worker == ctx.caller.worker);
        }
        if !entries.is_empty() {
            let shown = entries.iter().map(|e| e.referral.to_string()).collect();
            let entry = ctx
                .audit(AuditAction::ReferralHistory, "", Outcome::Ok)
                .about_each(shown);
            self.store.append_audit_alone(&entry).await?;
        }
        Ok(entries
            .into_iter()
            .map(|e| e.compared_with(referral))
            .collect())
    }

    /// The clock the service reads time from.
    pub(crate) fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// Creates a referral, or returns the one a replay of the same request created.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn create(
        &self,
        ctx: &RequestContext,
        draft: ReferralDraft,
    ) -> Result<Referral> {
        if let Attempt::Done(referral) = self.try_create(ctx, draft.clone()).await? {
            return Ok(referral);
        }
        // The order number is taken: by another referral, or by a concurrent resend of
        // this very request (not the request id's conflict target while it was
        // uncommitted). That one has committed by now; tried again, a resend replays.
        match self.try_create(ctx, draft).await? {
            Attempt::Done(referral) => Ok(referral),
            Attempt::OrderNumberTaken(referral) => {
                Err(self.placer_order_in_use(ctx, &referral).await)
            }
        }
    }

    async fn try_create(&self, ctx: &RequestContext, draft: ReferralDraft) -> Result<Attempt> {
        let now = ctx.now();
        // A create writes once (the referral, its event and its audit row in one
        // statement; a replay only its audit row), so its reads need no transaction
        // around them and the write commits by itself. A department named by code is
        // looked up on the create's own connection, taken early for it; otherwise the
        // connection waits for a valid draft.
        let (draft, tx) = if draft.department_code.trim().is_empty() {
            (draft, None)
        } else {
            let mut tx = self.store.begin_one_write().await?;
            (department_by_code(&mut *tx, ctx, draft).await?, Some(tx))
        };
        let new = draft.validate(now).map_err(Error::Invalid)?;
        if !ctx.caller.may_refer_from(&new.hospital, &new.department) {
            return Err(Refusal::DepartmentNotAllowed.into());
        }
        let fingerprint = fingerprint(&new);
        let mut tx = match tx {
            Some(tx) => tx,
            None => self.store.begin_one_write().await?,
        };
        match tx.get_department(new.department).await? {
            Some(d) if d.hospital == new.hospital => {}
            _ => {
                return Err(Error::Invalid(Violations::one(
                    "referral.department_id",
                    "is not a registered department of this hospital",
                )));
            }
        }
        // The installation's own station is registered on start; one named must be.
        if let Some(station) = &new.station
            && station != &self.default_station
            && !tx.station_registered(station).await?
        {
            return Err(Refusal::StationNotFound.into());
        }
        if let Some(previous) = new.previous_referral {
            check_previous(&mut *tx, ctx, previous, &new).await?;
        }
        let referral = self.referral_from(new, &ctx.caller.subject, now);
        let created = match tx
            .create_referral(
                &referral,
                &fingerprint,
                &ReferralEvent::of(EventType::Created, &referral, now),
                &ctx.audit(AuditAction::ReferralCreate, referral.id, Outcome::Ok),
            )
            .await
        {
            // The one unique rule a create can break besides its request id (which
            // replays): the order number of an open referral of the hospital. A
            // concurrent resend of this very request trips it too (its row is not the
            // request id's conflict target while uncommitted); once it has committed, the
            // create tried again finds it and replays.
            Err(yishe_store::Error::AlreadyExists(_)) if referral.placer_order_id.is_some() => {
                return Ok(Attempt::OrderNumberTaken(referral));
            }
            created => created?,
        };
        match created {
            CreateOutcome::Created => {
                tx.commit().await?;
                self.metrics.created(&referral);
                tracing::info!(referral_id = %referral.id, priority = referral.priority.as_str(), "referral created");
                Ok(Attempt::Done(referral))
            }
            CreateOutcome::Replayed(existing) => {
                tx.commit().await?;
                Ok(Attempt::Done(*existing))
            }
            CreateOutcome::RequestIdReused(existing) => {
                drop(tx);
                let readable = can_see(&ctx.caller, existing.scope());
                let refused: Error = Refusal::RequestIdReused {
                    existing: readable.then_some(existing.id),
                }
                .into();
                self.refused(
                    ctx,
                    AuditAction::ReferralCreateReplay,
                    existing.id,
                    &refused,
                )
                .await;
                Err(refused)
            }
        }
    }

    /// The refusal of a create whose order number an open referral of the hospital
    /// holds, naming that referral only when the caller may see it (found by listing
    /// in the caller's own scope).
    async fn placer_order_in_use(&self, ctx: &RequestContext, referral: &Referral) -> Error {
        let number = referral.placer_order_id.clone().unwrap_or_default();
        let existing = self
            .open_referral_with_order(ctx, &referral.hospital, &number)
            .await;
        let refused: Error = Refusal::PlacerOrderIdInUse {
            existing: existing.as_ref().map(|r| r.id),
        }
        .into();
        let about = existing.map_or(referral.id, |r| r.id);
        self.refused(ctx, AuditAction::ReferralCreate, about, &refused)
            .await;
        refused
    }

    /// The open referral of `hospital` holding the order number `number`, among those
    /// the caller may see (read as committed; `None` when the read fails, so the
    /// unique index has the last word).
    pub(crate) async fn open_referral_with_order(
        &self,
        ctx: &RequestContext,
        hospital: &HospitalId,
        number: &str,
    ) -> Option<Referral> {
        let filter = ListFilter {
            placer_order_id: Some(number.to_owned()),
            ..ListFilter::default()
        };
        let page = PageRequest {
            after: None,
            limit: 20,
        };
        let listed = self
            .store
            .list_committed_referrals(
                &ListScope::of(&ctx.caller),
                &filter,
                page,
                ListOrder::NewestFirst,
            )
            .await
            .ok()?;
        listed
            .items
            .into_iter()
            .find(|r| &r.hospital == hospital && !r.status.is_terminal())
    }

    /// A referral still waiting whose priority was raised must be answered by the
    /// higher priority's deadline, when that comes sooner.
    fn tighten_deadline(&self, referral: &mut Referral) {
        if referral.status == Status::Requested {
            let raised = self
                .deadlines
                .deadline(referral.priority, referral.created_at);
            referral.acceptance_deadline = referral.acceptance_deadline.min(raised);
        }
    }

    fn referral_from(&self, new: NewReferral, created_by: &str, now: DateTime<Utc>) -> Referral {
        Referral {
            id: ReferralId::new(),
            request_id: new.request_id,
            placer_order_id: new.placer_order_id,
            previous_referral: new.previous_referral,
            reopened_from: None,
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
            acceptance_deadline: self.deadlines.deadline(new.priority, now),
            sla_breached: false,
            accepted_at: None,
            ended_at: None,
            first_contact_at: None,
            closure: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// Reads one referral the caller may see; or, for a supervisor giving a
    /// break-glass reason, one outside their scope.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.id))]
    pub(crate) async fn get(&self, ctx: &RequestContext, request: GetReferral) -> Result<Referral> {
        let break_glass = request.break_glass_reason().map_err(Error::Invalid)?;
        let id = request.id;
        let mut tx = self.store.begin().await?;
        let not_found = ctx.audit(
            AuditAction::ReferralGet,
            id,
            Outcome::Refused(Code::NotFound),
        );
        let Some(referral) = tx.get_referral(id).await? else {
            tx.append_audit(&not_found).await?;
            tx.commit().await?;
            return Err(Refusal::NotFound.into());
        };
        if can_see(&ctx.caller, referral.scope()) {
            tx.append_audit(&ctx.audit(AuditAction::ReferralGet, id, Outcome::Ok))
                .await?;
            tx.commit().await?;
            return Ok(referral);
        }
        let Some(reason) = break_glass.filter(|_| ctx.caller.role == Role::Supervisor) else {
            tx.append_audit(&not_found).await?;
            tx.commit().await?;
            return Err(Refusal::NotFound.into());
        };
        let entry = ctx.audit(AuditAction::ReferralBreakGlass, id, Outcome::Ok);
        tx.append_audit(&entry.with_purpose(reason)).await?;
        tx.append_event(&ReferralEvent::of(
            EventType::BreakGlass,
            &referral,
            ctx.now(),
        ))
        .await?;
        tx.commit().await?;
        self.metrics.break_glass(ctx.caller.role);
        tracing::warn!(referral_id = %id, "break-glass access");
        Ok(referral)
    }

    /// Lists what the caller may see, newest first.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list(
        &self,
        ctx: &RequestContext,
        request: ListReferrals,
    ) -> Result<Page<Referral, ListPosition>> {
        let scope = ListScope::of(&ctx.caller);
        // The station's review of a closure (pending, returned, withdrawn) is not the
        // department's to search by; how a case ended is.
        if ctx.caller.role == Role::HisIntegration
            && request
                .filter
                .closure_state
                .is_some_and(|s| s != yishe_domain::referral::ClosureState::Approved)
        {
            return Err(Error::Invalid(Violations::one(
                "filter",
                "closure_state: a department may filter by APPROVED only",
            )));
        }
        // Read as committed, outside the write transaction: on SQLite the writer (and
        // every write waiting for it) is held only for the audit row.
        let page = self
            .store
            .list_committed_referrals(&scope, &request.filter, request.page, request.order)
            .await?;
        // One row per call, naming every referral shown: who saw which records, at the
        // cost of one row per read; answered once it is durable.
        let shown = page.items.iter().map(|r| r.id.to_string()).collect();
        let entry = ctx.audit(AuditAction::ReferralList, "", Outcome::Ok);
        self.store
            .append_audit_alone(&entry.about_each(shown))
            .await?;
        Ok(page)
    }

    /// The department's update: its departure time checked against the clock, then
    /// applied as any change.
    pub(crate) async fn update(
        &self,
        ctx: &RequestContext,
        request: ChangeReferral,
    ) -> Result<Referral> {
        if let Change::Update(update) = &request.change {
            update
                .check_departure_time(ctx.now())
                .map_err(Error::Invalid)?;
        }
        self.change(ctx, request).await
    }

    /// Accept, reject, hold, resume, cancel, retract or update.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.id))]
    pub(crate) async fn change(
        &self,
        ctx: &RequestContext,
        request: ChangeReferral,
    ) -> Result<Referral> {
        let ChangeReferral { id, etag, change } = request;
        let action = change.audit_action();
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut referral = visible_for_change(&mut *tx, ctx, id, &etag).await?;
            let priority = referral.priority;
            let event = referral.apply(change, Actor::Caller(ctx.caller.role), ctx.now())?;
            if referral.priority != priority {
                self.tighten_deadline(&mut referral);
            }
            self.save(tx, ctx, referral, event, action).await
        }
        .await;
        match result {
            Ok(referral) => {
                if action == AuditAction::ReferralAccept {
                    self.metrics.accepted(&referral);
                }
                Ok(referral)
            }
            Err(error) => {
                self.refused(ctx, action, id, &error).await;
                Err(error)
            }
        }
    }

    /// A supervisor assigns the case to a social worker of the station.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id, referral_id = %request.id))]
    pub(crate) async fn assign(
        &self,
        ctx: &RequestContext,
        request: AssignReferral,
    ) -> Result<Referral> {
        let AssignReferral { id, etag, worker } = request;
        let action = AuditAction::ReferralAssign;
        let by = Actor::Caller(ctx.caller.role);
        let result = async {
            let mut tx = self.store.begin().await?;
            let mut referral = visible_for_change(&mut *tx, ctx, id, &etag).await?;
            referral.check_assignable(by)?;
            let worker = tx
                .lock_worker(worker)
                .await?
                .ok_or(Refusal::WorkerNotFound)?;
            let event = referral.apply(Change::Assign(worker), by, ctx.now())?;
            self.save(tx, ctx, referral, event, action).await
        }
        .await;
        if let Err(error) = &result {
            self.refused(ctx, action, id, error).await;
        }
        result
    }

    /// Marks referrals still REQUESTED after their deadline as breached, once each.
    pub(crate) async fn mark_sla_breaches(&self) -> Result<usize> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let overdue = tx.overdue_referrals(now, SLA_BATCH).await?;
        for mut referral in overdue.iter().cloned() {
            let event = referral.apply(Change::SlaBreached, Actor::Yishe, now)?;
            tx.save_referral(&mut referral, &[event]).await?;
            tx.append_audit(&AuditEntry::system(
                AuditAction::ReferralSlaBreach,
                referral.id,
                now,
            ))
            .await?;
        }
        tx.commit().await?;
        for referral in &overdue {
            self.metrics.sla_breached(referral);
            tracing::warn!(referral_id = %referral.id, priority = referral.priority.as_str(), "acceptance deadline missed");
        }
        Ok(overdue.len())
    }

    /// Saves a changed referral with its event and audit row, and what the change does
    /// to the case's other work (`case_work`), and commits.
    pub(crate) async fn save(
        &self,
        mut tx: Box<dyn Tx>,
        ctx: &RequestContext,
        mut referral: Referral,
        event: EventType,
        action: AuditAction,
    ) -> Result<Referral> {
        crate::case_work::follow(&mut *tx, &referral, event, ctx.now()).await?;
        tx.save_referral(&mut referral, &[event]).await?;
        tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
            .await?;
        tx.commit().await?;
        tracing::info!(referral_id = %referral.id, status = referral.status.as_str(), action = action.as_str(), "referral changed");
        Ok(referral)
    }

    /// Records a refused attempt on a referral.
    pub(crate) async fn refused(
        &self,
        ctx: &RequestContext,
        action: AuditAction,
        id: ReferralId,
        error: &Error,
    ) {
        ctx.audit_refusal(&self.store, action, id, error).await;
    }
}

/// How one try of a create ended.
enum Attempt {
    Done(Referral),
    /// An open referral of the hospital holds the order number (at the time of the
    /// try): the referral this create would have made.
    OrderNumberTaken(Referral),
}

/// How many overdue referrals one SLA check marks; the watch goes again at once after
/// a full batch.
pub(crate) const SLA_BATCH: u32 = 100;

/// The draft with its department named by id, when the HIS named it by its own
/// code: looked up in the hospital's departments.
async fn department_by_code(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    mut draft: ReferralDraft,
) -> Result<ReferralDraft> {
    let code = draft.department_code.trim().to_owned();
    let Some(hospital) = HospitalId::parse(&draft.hospital_id) else {
        return Ok(draft);
    };
    if code.is_empty() {
        return Ok(draft);
    }
    // Another hospital's codes are not looked up: whether they exist is not the
    // caller's to learn. The create is then refused as any from there is.
    if ctx.caller.hospital.as_ref() != Some(&hospital) {
        return Err(Refusal::DepartmentNotAllowed.into());
    }
    let found = tx.department_by_code(&hospital, &code).await?;
    let Some(department) = found else {
        return Err(Error::Invalid(Violations::one(
            "referral.department_code",
            "is not a registered department code of this hospital",
        )));
    };
    let id = department.id.to_string();
    match draft.department_id.trim() {
        "" => draft.department_id = id,
        given if DepartmentId::parse(given) == Some(department.id) => {}
        _ => {
            return Err(Error::Invalid(Violations::one(
                "referral.department_code",
                "names another department than referral.department_id",
            )));
        }
    }
    Ok(draft)
}

/// A create that sends a declined referral again: the declined one must be the
/// caller's to see, REJECTED, and the same patient's.
async fn check_previous(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    previous: ReferralId,
    new: &NewReferral,
) -> Result<()> {
    let previous = tx
        .get_referral(previous)
        .await?
        .filter(|r| can_see(&ctx.caller, r.scope()))
        .ok_or(Refusal::PreviousReferralNotFound)?;
    if previous.status != Status::Rejected {
        return Err(Refusal::PreviousReferralNotRejected(previous.status).into());
    }
    if previous.hospital != new.hospital
        || previous.patient.his_patient_id != new.patient.his_patient_id
    {
        return Err(Error::Invalid(Violations::one(
            "referral.previous_referral_id",
            "names a referral of another patient",
        )));
    }
    Ok(())
}

/// The referral, if the caller may see it and `etag` is current.
pub(crate) async fn visible_for_change(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    id: ReferralId,
    etag: &Etag,
) -> Result<Referral> {
    let referral = tx
        .get_referral(id)
        .await?
        .filter(|r| can_see(&ctx.caller, r.scope()))
        .ok_or(Refusal::NotFound)?;
    etag.check(referral.version, "referral")?;
    Ok(referral)
}

/// A stable digest of what a referral says, to tell a true replay from a reused id.
fn fingerprint(new: &NewReferral) -> String {
    yishe_runtime::fingerprint::of(new)
}
