//! Volunteer team, volunteer and volunteer task rows. A task's texts are sealed with the
//! task and column as associated data.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::directory::{TrainingHours, Volunteer, VolunteerTeam};
use yishe_domain::plan::{TaskState, TaskTexts, VolunteerTask};
use yishe_domain::{
    InterventionId, PlanId, ReferralId, SocialWorkerId, StationId, VolunteerId, VolunteerTaskId,
    VolunteerTeamId,
};

use super::{corrupt, from_json, to_json};
use crate::{Crypto, Result, Sealer};

pub(crate) const SELECT_TEAM: &str =
    "SELECT id, station_id, display_name, contact, active, created_at FROM volunteer_teams";

pub(crate) const SELECT_VOLUNTEER: &str = "SELECT id, station_id, team_id, display_name, \
     contact, skills, active, training, created_at, updated_at, version FROM volunteers";

pub(crate) const SELECT_TASK: &str = "SELECT t.id, t.station_id, t.plan_id, t.intervention_id, \
     t.referral_id, t.request_id, t.fingerprint, t.state, t.team_id, t.starts_at, \
     t.claim_deadline, t.overdue, t.texts, t.supervisor_id, t.posted_by, t.claimed_by, \
     t.claimed_at, t.reported_by, t.reported_at, t.reviewed_by, t.reviewed_at, t.created_at, \
     t.updated_at, t.version FROM volunteer_tasks t";

fn station(text: &str) -> Result<StationId> {
    StationId::parse(text).ok_or_else(|| corrupt("station id"))
}

#[derive(sqlx::FromRow)]
pub(crate) struct TeamRow {
    id: Uuid,
    station_id: String,
    display_name: String,
    contact: String,
    active: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<TeamRow> for VolunteerTeam {
    type Error = crate::Error;

    fn try_from(row: TeamRow) -> Result<Self> {
        Ok(VolunteerTeam {
            id: VolunteerTeamId::from_uuid(row.id),
            station: station(&row.station_id)?,
            display_name: row.display_name,
            contact: row.contact,
            active: row.active,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct VolunteerRow {
    id: Uuid,
    station_id: String,
    team_id: Uuid,
    display_name: String,
    contact: String,
    skills: String,
    active: bool,
    training: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<VolunteerRow> for Volunteer {
    type Error = crate::Error;

    fn try_from(row: VolunteerRow) -> Result<Self> {
        let training: Vec<(i32, f64)> = from_json(&row.training, "training hours")?;
        Ok(Volunteer {
            id: VolunteerId::from_uuid(row.id),
            station: station(&row.station_id)?,
            team: VolunteerTeamId::from_uuid(row.team_id),
            display_name: row.display_name,
            contact: row.contact,
            skills: from_json(&row.skills, "skills")?,
            active: row.active,
            training: training
                .into_iter()
                .map(|(year, hours)| TrainingHours { year, hours })
                .collect(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

/// A volunteer's training hours as stored: `[[year, hours], …]`.
pub(crate) fn training_json(v: &Volunteer) -> String {
    let pairs: Vec<(i32, f64)> = v.training.iter().map(|t| (t.year, t.hours)).collect();
    to_json(&pairs)
}

fn texts_context(id: Uuid) -> String {
    format!("volunteer_task:{id}:texts")
}

/// A task's sealed texts.
pub(crate) fn seal_texts(task: &VolunteerTask, sealer: &Sealer) -> String {
    sealer.seal(&texts_context(task.id.as_uuid()), &to_json(&task.texts))
}

#[derive(sqlx::FromRow)]
pub(crate) struct TaskRow {
    id: Uuid,
    station_id: String,
    plan_id: Uuid,
    intervention_id: Uuid,
    referral_id: Uuid,
    request_id: String,
    pub(crate) fingerprint: String,
    state: String,
    team_id: Option<Uuid>,
    starts_at: DateTime<Utc>,
    claim_deadline: DateTime<Utc>,
    overdue: bool,
    texts: String,
    supervisor_id: Option<Uuid>,
    posted_by: String,
    claimed_by: Option<Uuid>,
    claimed_at: Option<DateTime<Utc>>,
    reported_by: Option<Uuid>,
    reported_at: Option<DateTime<Utc>>,
    reviewed_by: Option<String>,
    reviewed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TaskRow {
    pub(crate) fn into_task(self, crypto: &Crypto) -> Result<VolunteerTask> {
        let texts: TaskTexts = from_json(
            &crypto.open(&texts_context(self.id), &self.texts)?,
            "task texts",
        )?;
        Ok(VolunteerTask {
            id: VolunteerTaskId::from_uuid(self.id),
            station: station(&self.station_id)?,
            plan: PlanId::from_uuid(self.plan_id),
            intervention: InterventionId::from_uuid(self.intervention_id),
            referral: ReferralId::from_uuid(self.referral_id),
            request_id: self.request_id,
            state: TaskState::parse(&self.state).ok_or_else(|| corrupt("task state"))?,
            team: self.team_id.map(VolunteerTeamId::from_uuid),
            starts_at: self.starts_at,
            claim_deadline: self.claim_deadline,
            overdue: self.overdue,
            texts,
            supervisor: self.supervisor_id.map(SocialWorkerId::from_uuid),
            posted_by: self.posted_by,
            claimed_by: self.claimed_by.map(VolunteerId::from_uuid),
            claimed_at: self.claimed_at,
            reported_by: self.reported_by.map(VolunteerId::from_uuid),
            reported_at: self.reported_at,
            reviewed_by: self.reviewed_by,
            reviewed_at: self.reviewed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}
