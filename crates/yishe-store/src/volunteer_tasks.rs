//! Volunteer tasks: posted, claimed from the board in a race one team wins, reported,
//! reviewed; and the overdue watch's query.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yishe_domain::plan::VolunteerTask;
use yishe_domain::{
    Page, PageRequest, PlanId, ReferralId, SocialWorkerId, StationId, VolunteerTaskId,
    VolunteerTeamId,
};

use crate::Result;

/// The result of posting a task, idempotent by the station's request id.
#[derive(Debug)]
pub enum TaskPosted {
    Inserted,
    /// The station already used the request id: that task, with the fingerprint of
    /// the request that posted it.
    Existing(Box<VolunteerTask>, String),
}

/// Cancels `open` tasks in `tx` with `reason`, so no volunteer goes on seeing or
/// claiming them (their intervention ended, or their case). Returns how many.
pub async fn withdraw_tasks(
    tx: &mut dyn crate::Tx,
    open: Vec<VolunteerTask>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut withdrawn = 0;
    for mut task in open {
        // Only tasks still to be done reach here; one that moved on is left alone.
        if task.cancel(reason, now).is_ok() {
            task.version += 1;
            tx.save_task(&task).await?;
            withdrawn += 1;
        }
    }
    Ok(withdrawn)
}

/// Which tasks a list may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskScope {
    /// Every task of the station (supervisors).
    Station(StationId),
    /// Tasks of the station's referrals assigned to this worker.
    Caseload {
        station: StationId,
        worker: SocialWorkerId,
    },
    /// The tasks a team holds.
    Team(VolunteerTeamId),
    /// The station's board: tasks posted and not yet claimed.
    Board(StationId),
}

#[async_trait]
pub trait TaskRepo {
    async fn insert_task(&mut self, task: &VolunteerTask, fingerprint: &str) -> Result<TaskPosted>;

    async fn get_task(&mut self, id: VolunteerTaskId) -> Result<Option<VolunteerTask>>;

    /// Writes a changed task whose `version` is one more than the stored one, and
    /// whose stored state was `from`: a claim that lost its race to another team, or
    /// any stale write, is `Error::Stale`.
    async fn save_task(&mut self, task: &VolunteerTask) -> Result<()>;

    async fn list_tasks(
        &mut self,
        scope: &TaskScope,
        plan: Option<PlanId>,
        page: PageRequest<VolunteerTaskId>,
    ) -> Result<Page<VolunteerTask, VolunteerTaskId>>;

    /// A plan's tasks still to be done (posted or claimed).
    async fn open_tasks_of_plan(&mut self, plan: PlanId) -> Result<Vec<VolunteerTask>>;

    /// A referral's tasks still to be done (posted or claimed).
    async fn open_tasks_of_referral(&mut self, referral: ReferralId) -> Result<Vec<VolunteerTask>>;

    /// Up to `limit` tasks still on the board past their claim deadline and not yet
    /// marked overdue.
    async fn overdue_tasks(&mut self, now: DateTime<Utc>, limit: u32)
    -> Result<Vec<VolunteerTask>>;

    // Maintenance hooks (see `SealedPlans`).

    async fn reseal_tasks(&mut self, limit: u32) -> Result<usize>;

    async fn delete_tasks_of(&mut self, referral: ReferralId) -> Result<()>;
}
