//! Volunteer tasks ("社工+志愿"): a social worker gives part of an approved intervention
//! to a team or posts it to the station's board; a volunteer's team claims it (one team
//! wins a race), reports it done; the social worker reviews it. A volunteer sees the
//! tasks of their team and the board, never the case behind them. Every access is
//! audited against the referral.

use yishe_domain::directory::Volunteer;
use yishe_domain::plan::{
    InterventionState, ListTasks, PostTask, TaskFor, TaskRefusal, TaskSight, TaskStep,
    TaskStepError, TaskView, VolunteerTask, is_volunteer, volunteer_sight,
};
use yishe_domain::referral::{EventType, Referral, ReferralEvent};
use yishe_domain::{AuditAction, Outcome, Page, Role, VolunteerTaskId};
use yishe_runtime::Failure;
use yishe_runtime::auth::RequestContext;
use yishe_store::{TaskPosted, TaskScope, Tx};

use crate::error::{Error, Record, Refusal, Result};
use crate::reading::{plan_for, referral_for, require_open, version_of};
use crate::service::PlanService;

/// The caller's volunteer record (a volunteer credential always names one), if the
/// volunteer still takes tasks: one the station deactivated sees nothing any more.
async fn volunteer_of(tx: &mut dyn Tx, ctx: &RequestContext) -> Result<Volunteer> {
    let id = ctx
        .caller
        .volunteer
        .ok_or(Refusal::NotFound(Record::Task))?;
    let volunteer = tx
        .get_volunteer(id)
        .await?
        .filter(|v| ctx.caller.station.as_ref() == Some(&v.station))
        .ok_or(Refusal::NotFound(Record::Task))?;
    if !volunteer.active {
        return Err(Refusal::Task(TaskRefusal::VolunteerInactive).into());
    }
    Ok(volunteer)
}

/// How much of `task` the caller may see: a volunteer by their team and the board;
/// station staff as they may work on the case now (its assigned worker, a
/// supervisor of the station), whoever posted the task.
async fn sight_of(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    task: &VolunteerTask,
) -> Result<TaskSight> {
    if is_volunteer(&ctx.caller) {
        let volunteer = volunteer_of(tx, ctx).await?;
        return Ok(volunteer_sight(&volunteer, task));
    }
    match referral_for(tx, ctx, task.referral).await {
        Ok(_) => Ok(TaskSight::Full),
        Err(Failure::Refused(Refusal::NotFound(_) | Refusal::NotAssigned)) => Ok(TaskSight::None),
        Err(other) => Err(other),
    }
}

/// The task, if the caller may see it at all.
async fn task_for(
    tx: &mut dyn Tx,
    ctx: &RequestContext,
    id: VolunteerTaskId,
) -> Result<(VolunteerTask, TaskSight)> {
    let task = tx
        .get_task(id)
        .await?
        .ok_or(Refusal::NotFound(Record::Task))?;
    match sight_of(tx, ctx, &task).await? {
        TaskSight::None => Err(Refusal::NotFound(Record::Task).into()),
        sight => Ok((task, sight)),
    }
}

/// The referral behind a task (for its events and the patient's name).
async fn referral_of(tx: &mut dyn Tx, task: &VolunteerTask) -> Result<Referral> {
    Ok(tx
        .get_referral(task.referral)
        .await?
        .ok_or(Refusal::NotFound(Record::Referral))?)
}

/// `task` as the caller reads it, with the names it shows.
async fn view(tx: &mut dyn Tx, task: VolunteerTask, sight: TaskSight) -> Result<TaskView> {
    let patient_name = match sight {
        TaskSight::Full => referral_of(tx, &task).await?.patient.name,
        _ => String::new(),
    };
    let team_name = match task.team {
        Some(team) => tx
            .get_team(team)
            .await?
            .map(|t| t.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let supervisor_name = match task.supervisor {
        Some(worker) => tx
            .get_worker(worker)
            .await?
            .map(|w| w.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(TaskView {
        task,
        sight,
        patient_name,
        team_name,
        supervisor_name,
    })
}

fn step_error(error: TaskStepError) -> Error {
    match error {
        TaskStepError::Invalid(v) => Error::Invalid(v),
        TaskStepError::Refused(rule) => Refusal::Task(rule).into(),
    }
}

impl PlanService {
    /// Posts a task for an intervention of the version in force, or returns the one a
    /// replay of the same request posted.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn post_task(
        &self,
        ctx: &RequestContext,
        request: PostTask,
    ) -> Result<TaskView> {
        let PostTask {
            plan: plan_id,
            intervention,
            request_id,
            draft,
        } = request;
        let fingerprint = yishe_runtime::fingerprint::of(&(plan_id, intervention, &draft));
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let (plan, referral) = plan_for(&mut *tx, ctx, plan_id).await?;
            referral_id = Some(referral.id);
            require_open(&referral)?;
            let in_force = match plan.in_force_version {
                Some(n) => Some(version_of(&mut *tx, &plan, n).await?),
                None => None,
            };
            let approved = in_force
                .as_ref()
                .is_some_and(|v| v.content.intervention(intervention).is_some());
            if !approved {
                let newest = version_of(&mut *tx, &plan, plan.newest_version).await?;
                if newest.content.intervention(intervention).is_none() {
                    return Err(Refusal::NotFound(Record::Intervention).into());
                }
                let rule = yishe_domain::plan::PlanRefusal::NotApproved {
                    what: "intervention",
                };
                return Err(Refusal::Rule(rule).into());
            }
            let state = plan.work.state_of(intervention);
            if !matches!(
                state,
                InterventionState::Planned | InterventionState::InProgress
            ) {
                let rule = yishe_domain::plan::PlanRefusal::WrongInterventionState {
                    from: state,
                    to: InterventionState::InProgress,
                };
                return Err(Refusal::Rule(rule).into());
            }
            if let Some(team) = draft.team {
                tx.get_team(team)
                    .await?
                    .filter(|t| t.station == referral.station && t.active)
                    .ok_or(Refusal::NotFound(Record::Team))?;
            }
            let target = TaskFor {
                station: referral.station.clone(),
                plan: plan.id,
                intervention,
                referral: referral.id,
                ward: referral.patient.ward.clone(),
                bed: referral.patient.bed.clone(),
            };
            let task = draft
                .validate(target, request_id, &ctx.caller, now)
                .map_err(Error::Invalid)?;
            let (task, posted) = match tx.insert_task(&task, &fingerprint).await? {
                TaskPosted::Existing(existing, stored) if stored == fingerprint => {
                    (*existing, false)
                }
                TaskPosted::Existing(..) => return Err(Refusal::RequestIdReused.into()),
                TaskPosted::Inserted => (task, true),
            };
            let action = if posted {
                tx.append_event(&ReferralEvent::of_task(
                    EventType::VolunteerTaskPosted,
                    &referral,
                    &task,
                    now,
                ))
                .await?;
                AuditAction::TaskPost
            } else {
                AuditAction::TaskPostReplay
            };
            tx.append_audit(&ctx.audit(action, referral.id, Outcome::Ok))
                .await?;
            let shown = view(&mut *tx, task, TaskSight::Full).await?;
            tx.commit().await?;
            if posted {
                self.metrics.task("posted");
            }
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, AuditAction::TaskPost, referral_id, result)
            .await
    }

    /// One task, as much of it as the caller may see.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn get_task(
        &self,
        ctx: &RequestContext,
        id: VolunteerTaskId,
    ) -> Result<TaskView> {
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let (task, sight) = task_for(&mut *tx, ctx, id).await?;
            referral_id = Some(task.referral);
            tx.append_audit(&ctx.audit(AuditAction::TaskGet, task.referral, Outcome::Ok))
                .await?;
            let shown = view(&mut *tx, task, sight).await?;
            tx.commit().await?;
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, AuditAction::TaskGet, referral_id, result)
            .await
    }

    /// The caller's tasks or the station's board, newest first: one audit row names
    /// every referral behind the tasks returned.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn list_tasks(
        &self,
        ctx: &RequestContext,
        request: ListTasks,
    ) -> Result<Page<TaskView, VolunteerTaskId>> {
        let result = self.try_list_tasks(ctx, request).await;
        ctx.audited(&self.store, AuditAction::TaskList, None::<String>, result)
            .await
    }

    async fn try_list_tasks(
        &self,
        ctx: &RequestContext,
        request: ListTasks,
    ) -> Result<Page<TaskView, VolunteerTaskId>> {
        let station = ctx.caller.own_station().map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        let volunteer = if is_volunteer(&ctx.caller) {
            Some(volunteer_of(&mut *tx, ctx).await?)
        } else {
            None
        };
        let scope = match (
            &volunteer,
            request.board,
            ctx.caller.role,
            ctx.caller.worker,
        ) {
            (_, true, _, _) => TaskScope::Board(station),
            (Some(v), false, _, _) => TaskScope::Team(v.team),
            (None, false, Role::Supervisor, _) => TaskScope::Station(station),
            (None, false, _, Some(worker)) => TaskScope::Caseload { station, worker },
            (None, false, _, None) => {
                return Ok(Page {
                    items: Vec::new(),
                    next_after: None,
                });
            }
        };
        let page = tx.list_tasks(&scope, request.plan, request.page).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for task in page.items {
            let sight = match &volunteer {
                Some(v) => volunteer_sight(v, &task),
                // Staff read a board task of someone else's case as volunteers do.
                None => match sight_of(&mut *tx, ctx, &task).await? {
                    TaskSight::None => TaskSight::Board,
                    sight => sight,
                },
            };
            items.push(view(&mut *tx, task, sight).await?);
        }
        let referrals = items.iter().map(|v| v.task.referral.to_string()).collect();
        tx.append_audit(
            &ctx.audit(AuditAction::TaskList, "", Outcome::Ok)
                .about_each(referrals),
        )
        .await?;
        tx.commit().await?;
        Ok(Page {
            items,
            next_after: page.next_after,
        })
    }

    /// Claims, reports, reviews or cancels a task.
    #[tracing::instrument(skip_all, fields(request_id = %ctx.request_id))]
    pub(crate) async fn step_task(
        &self,
        ctx: &RequestContext,
        id: VolunteerTaskId,
        step: TaskStep,
    ) -> Result<TaskView> {
        let action = match &step {
            TaskStep::Claim => AuditAction::TaskClaim,
            TaskStep::Report { .. } => AuditAction::TaskReport,
            TaskStep::Review { .. } => AuditAction::TaskReview,
            TaskStep::Cancel { .. } => AuditAction::TaskCancel,
        };
        let now = ctx.now();
        let mut referral_id = None;
        let result = async {
            let mut tx = self.store.begin().await?;
            let claimed = matches!(step, TaskStep::Claim);
            let (mut task, sight) = if claimed {
                // A task another team took from the board is no longer visible to
                // this one, but a claim on it is answered as lost, not as unknown.
                let task = tx
                    .get_task(id)
                    .await?
                    .filter(|t| ctx.caller.station.as_ref() == Some(&t.station))
                    .ok_or(Refusal::NotFound(Record::Task))?;
                (task, TaskSight::Board)
            } else {
                task_for(&mut *tx, ctx, id).await?
            };
            referral_id = Some(task.referral);
            if matches!(step, TaskStep::Claim | TaskStep::Report { .. }) {
                still_for_volunteers(&mut *tx, &task).await?;
            }
            task.version += 1;
            match step {
                TaskStep::Claim => {
                    let volunteer = volunteer_of(&mut *tx, ctx).await?;
                    let team_active = tx.get_team(volunteer.team).await?.is_some_and(|t| t.active);
                    if !team_active {
                        return Err(Refusal::Task(TaskRefusal::VolunteerInactive).into());
                    }
                    task.claim(&volunteer, now).map_err(Refusal::Task)?;
                }
                TaskStep::Report { etag, report } => {
                    let volunteer = volunteer_of(&mut *tx, ctx).await?;
                    if sight != TaskSight::Full {
                        return Err(Refusal::NotFound(Record::Task).into());
                    }
                    etag.check(task.version - 1, "volunteer task")?;
                    task.report(&volunteer, &report, now).map_err(step_error)?;
                }
                TaskStep::Review { etag, review } => {
                    etag.check(task.version - 1, "volunteer task")?;
                    task.review(&ctx.caller, &review, now).map_err(step_error)?;
                }
                TaskStep::Cancel { etag, reason } => {
                    etag.check(task.version - 1, "volunteer task")?;
                    task.cancel(&reason, now).map_err(step_error)?;
                }
            }
            match tx.save_task(&task).await {
                // Another team's claim (or a cancellation) committed first.
                // Something committed first: another team's claim, a cancellation, or
                // the overdue watch marking the task. Answer by what it is now.
                Err(yishe_store::Error::Stale) if claimed => {
                    let mut retry = tx
                        .get_task(id)
                        .await?
                        .ok_or(Refusal::NotFound(Record::Task))?;
                    let volunteer = volunteer_of(&mut *tx, ctx).await?;
                    retry.claim(&volunteer, now).map_err(Refusal::Task)?;
                    retry.version += 1;
                    tx.save_task(&retry).await?;
                    task = retry;
                }
                other => other?,
            }
            let referral = referral_of(&mut *tx, &task).await?;
            if claimed {
                tx.append_event(&ReferralEvent::of_task(
                    EventType::VolunteerTaskClaimed,
                    &referral,
                    &task,
                    now,
                ))
                .await?;
            }
            tx.append_audit(&ctx.audit(action, task.referral, Outcome::Ok))
                .await?;
            let sight = if claimed { TaskSight::Full } else { sight };
            let shown = view(&mut *tx, task, sight).await?;
            tx.commit().await?;
            self.metrics.task(match action {
                AuditAction::TaskClaim => "claimed",
                AuditAction::TaskReport => "reported",
                AuditAction::TaskReview => "reviewed",
                _ => "cancelled",
            });
            Ok(shown)
        }
        .await;
        ctx.audited(&self.store, action, referral_id, result).await
    }

    /// Marks the tasks still on the board past their claim deadline overdue, each with
    /// an event and a metric; returns how many.
    pub(crate) async fn mark_overdue_tasks(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize> {
        let mut tx = self.store.begin().await?;
        let due = tx.overdue_tasks(now, OVERDUE_BATCH).await?;
        let mut marked = 0;
        for mut task in due {
            if !task.mark_overdue(now) {
                continue;
            }
            task.version += 1;
            tx.save_task(&task).await?;
            let referral = referral_of(&mut *tx, &task).await?;
            tx.append_event(&ReferralEvent::of_task(
                EventType::VolunteerTaskOverdue,
                &referral,
                &task,
                now,
            ))
            .await?;
            tx.append_audit(&yishe_store::AuditEntry::system(
                AuditAction::TaskOverdue,
                task.referral,
                now,
            ))
            .await?;
            marked += 1;
        }
        tx.commit().await?;
        for _ in 0..marked {
            self.metrics.task("overdue");
        }
        if marked > 0 {
            tracing::warn!(
                tasks = marked,
                "volunteer tasks unclaimed past their deadline"
            );
        }
        Ok(marked)
    }
}

/// Refuses a claim or a report when the task is no longer for volunteers: its case
/// closed, or its intervention is done, cancelled, or not in the plan in force.
async fn still_for_volunteers(tx: &mut dyn Tx, task: &VolunteerTask) -> Result<()> {
    let referral = referral_of(tx, task).await?;
    let plan = tx
        .get_plan(task.plan)
        .await?
        .ok_or(Refusal::NotFound(Record::Plan))?;
    let in_force = match plan.in_force_version {
        Some(n) => Some(version_of(tx, &plan, n).await?),
        None => None,
    };
    let planned = in_force
        .as_ref()
        .is_some_and(|v| v.content.intervention(task.intervention).is_some())
        && matches!(
            plan.work.state_of(task.intervention),
            InterventionState::Planned | InterventionState::InProgress
        );
    if referral.status.is_open_case() && planned {
        Ok(())
    } else {
        Err(Refusal::Task(TaskRefusal::Withdrawn).into())
    }
}

/// Cancels, in `tx`, a plan's tasks still to be done whose intervention `ends` says
/// is over (done, cancelled, or gone from the version now in force). Returns how many.
pub(crate) async fn withdraw_tasks(
    tx: &mut dyn Tx,
    plan: yishe_domain::PlanId,
    ends: impl Fn(yishe_domain::InterventionId) -> bool + Send,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize> {
    let open: Vec<VolunteerTask> = tx
        .open_tasks_of_plan(plan)
        .await?
        .into_iter()
        .filter(|t| ends(t.intervention))
        .collect();
    Ok(yishe_store::withdraw_tasks(tx, open, reason, now).await?)
}

/// The most tasks one pass of the overdue watch marks.
pub(crate) const OVERDUE_BATCH: u32 = 100;
