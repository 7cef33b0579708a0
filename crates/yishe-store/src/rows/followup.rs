//! Contact and follow-up rows. Their texts are sealed with the record and column as
//! associated data.

use chrono::{DateTime, Utc};
use uuid::Uuid;
use yishe_domain::assessment::Instrument;
use yishe_domain::followup::{
    Channel, Contact, ContactTexts, FollowUp, FollowUpOutcome, FollowUpState, FollowUpTexts, Phase,
    Purpose,
};
use yishe_domain::{
    AssessmentId, ContactId, FollowUpId, InterventionId, ReferralId, SocialWorkerId, StationId,
};

use super::{corrupt, from_json, to_json};
use crate::{Crypto, Result, Sealer};

pub(crate) const SELECT_CONTACT: &str = "SELECT c.id, c.referral_id, c.station_id, \
     c.request_id, c.fingerprint, c.contact_at, c.channel, c.minutes, c.interventions, \
     c.first_contact, c.texts, c.recorded_by, c.recorded_by_worker, c.created_at \
     FROM contacts c";

pub(crate) const SELECT_FOLLOW_UP: &str = "SELECT f.id, f.referral_id, f.station_id, \
     f.request_id, f.fingerprint, f.phase, f.purpose, f.instruments, f.channel, f.due_at, \
     f.grace_hours, f.assignee_id, f.state, f.overdue, f.escalate_at, f.escalated, f.outcome, \
     f.assessment_id, f.texts, f.created_by, f.created_at, f.updated_at, f.version \
     FROM follow_ups f";

fn context(kind: &str, id: Uuid) -> String {
    format!("{kind}:{id}:texts")
}

pub(crate) fn seal_contact(c: &Contact, sealer: &Sealer) -> String {
    sealer.seal(&context("contact", c.id.as_uuid()), &to_json(&c.texts))
}

pub(crate) fn seal_follow_up(f: &FollowUp, sealer: &Sealer) -> String {
    sealer.seal(&context("follow_up", f.id.as_uuid()), &to_json(&f.texts))
}

fn parse<T>(text: &str, what: &str, f: fn(&str) -> Option<T>) -> Result<T> {
    f(text).ok_or_else(|| corrupt(what))
}

#[derive(sqlx::FromRow)]
pub(crate) struct ContactRow {
    id: Uuid,
    referral_id: Uuid,
    station_id: String,
    request_id: String,
    pub(crate) fingerprint: String,
    contact_at: DateTime<Utc>,
    channel: String,
    minutes: i64,
    interventions: String,
    first_contact: bool,
    texts: String,
    recorded_by: String,
    recorded_by_worker: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl ContactRow {
    pub(crate) fn into_contact(self, crypto: &Crypto) -> Result<Contact> {
        let texts: ContactTexts = from_json(
            &crypto.open(&context("contact", self.id), &self.texts)?,
            "contact texts",
        )?;
        let interventions: Vec<Uuid> = from_json(&self.interventions, "contact interventions")?;
        Ok(Contact {
            id: ContactId::from_uuid(self.id),
            referral: ReferralId::from_uuid(self.referral_id),
            station: parse(&self.station_id, "station id", StationId::parse)?,
            request_id: self.request_id,
            at: self.contact_at,
            channel: parse(&self.channel, "channel", Channel::parse)?,
            minutes: i32::try_from(self.minutes).map_err(|_| corrupt("minutes"))?,
            interventions: interventions
                .into_iter()
                .map(InterventionId::from_uuid)
                .collect(),
            texts,
            recorded_by: self.recorded_by,
            recorded_by_worker: self.recorded_by_worker.map(SocialWorkerId::from_uuid),
            first: self.first_contact,
            created_at: self.created_at,
        })
    }
}

/// A contact's interventions as stored.
pub(crate) fn interventions_json(c: &Contact) -> String {
    let ids: Vec<Uuid> = c.interventions.iter().map(|i| i.as_uuid()).collect();
    to_json(&ids)
}

/// A follow-up's instruments as stored, by their ids.
pub(crate) fn instruments_json(f: &FollowUp) -> String {
    let ids: Vec<&str> = f.instruments.iter().map(|i| i.id()).collect();
    to_json(&ids)
}

#[derive(sqlx::FromRow)]
pub(crate) struct FollowUpRow {
    id: Uuid,
    referral_id: Uuid,
    station_id: String,
    request_id: String,
    pub(crate) fingerprint: String,
    phase: String,
    purpose: String,
    instruments: String,
    channel: String,
    due_at: DateTime<Utc>,
    grace_hours: i64,
    assignee_id: Option<Uuid>,
    state: String,
    overdue: bool,
    escalate_at: Option<DateTime<Utc>>,
    escalated: bool,
    outcome: Option<String>,
    assessment_id: Option<Uuid>,
    texts: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl FollowUpRow {
    pub(crate) fn into_follow_up(self, crypto: &Crypto) -> Result<FollowUp> {
        let texts: FollowUpTexts = from_json(
            &crypto.open(&context("follow_up", self.id), &self.texts)?,
            "follow-up texts",
        )?;
        let instruments: Vec<String> = from_json(&self.instruments, "instruments")?;
        Ok(FollowUp {
            id: FollowUpId::from_uuid(self.id),
            referral: ReferralId::from_uuid(self.referral_id),
            station: parse(&self.station_id, "station id", StationId::parse)?,
            request_id: self.request_id,
            phase: parse(&self.phase, "phase", Phase::parse)?,
            purpose: parse(&self.purpose, "purpose", Purpose::parse)?,
            instruments: instruments
                .iter()
                .map(|i| parse(i, "instrument", Instrument::parse))
                .collect::<Result<_>>()?,
            channel: parse(&self.channel, "channel", Channel::parse)?,
            due_at: self.due_at,
            grace_hours: i32::try_from(self.grace_hours).map_err(|_| corrupt("grace hours"))?,
            assignee: self.assignee_id.map(SocialWorkerId::from_uuid),
            state: parse(&self.state, "follow-up state", FollowUpState::parse)?,
            overdue: self.overdue,
            escalate_at: self.escalate_at,
            escalated: self.escalated,
            outcome: self
                .outcome
                .map(|o| parse(&o, "outcome", FollowUpOutcome::parse))
                .transpose()?,
            assessment: self.assessment_id.map(AssessmentId::from_uuid),
            texts,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}
