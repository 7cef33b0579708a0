//! A contact: one encounter with the patient or family, and the progress note it may
//! share with the referring department.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::named::named_enum;
use crate::{ContactId, InterventionId, ReferralId, SocialWorkerId, StationId, Violations};

const MAX_PARTICIPANTS: usize = 10;
const MAX_PARTICIPANT: usize = 50;
const MAX_NOTE: usize = 4000;
const MAX_DEPARTMENT_NOTE: usize = 500;
const MAX_INTERVENTIONS: usize = 20;

named_enum!(
    /// How the station met the patient or family.
    Channel {
        WardVisit => "WARD_VISIT",
        Phone => "PHONE",
        HomeVisit => "HOME_VISIT",
        Outpatient => "OUTPATIENT",
        Online => "ONLINE",
    }
);

/// What a contact says, sealed together: who took part, what happened, and what the
/// department was told.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactTexts {
    pub participants: Vec<String>,
    pub note: String,
    pub department_note: String,
}

/// A recorded contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: ContactId,
    pub referral: ReferralId,
    pub station: StationId,
    pub request_id: String,
    pub at: DateTime<Utc>,
    pub channel: Channel,
    pub minutes: i32,
    pub interventions: Vec<InterventionId>,
    pub texts: ContactTexts,
    pub recorded_by: String,
    pub recorded_by_worker: Option<SocialWorkerId>,
    /// Whether it was the case's first contact.
    pub first: bool,
    pub created_at: DateTime<Utc>,
}

impl Contact {
    /// Whether the department was given a progress note with it.
    pub fn shared(&self) -> bool {
        !self.texts.department_note.is_empty()
    }
}

/// A contact as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContactDraft {
    pub at: Option<DateTime<Utc>>,
    pub channel: String,
    pub participants: Vec<String>,
    pub minutes: i32,
    pub interventions: Vec<String>,
    pub note: String,
    pub department_note: String,
    /// The patient confirmed again the consent a reopened case carried over. Left out
    /// of the fingerprint when false, so requests sent before it existed replay.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub consent_reconfirmed: bool,
}

impl ContactDraft {
    /// A contact of `referral` (created at `earliest`) recorded at `now`, or every
    /// offending field under `contact.`.
    #[allow(clippy::too_many_arguments)]
    pub fn validate(
        self,
        referral: ReferralId,
        station: StationId,
        request_id: String,
        recorded_by: String,
        recorded_by_worker: Option<SocialWorkerId>,
        earliest: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Contact, Violations> {
        let mut v = Violations::new();
        let at = match self.at {
            None => {
                v.add(
                    "contact.contact_time",
                    "is required: when the contact took place",
                );
                now
            }
            Some(at) if at > now || at < earliest => {
                v.add(
                    "contact.contact_time",
                    "must be after the referral was made and not in the future",
                );
                at
            }
            Some(at) => at,
        };
        let channel = Channel::parse(&self.channel);
        if channel.is_none() {
            v.add(
                "contact.channel",
                "is required: WARD_VISIT, PHONE, HOME_VISIT, OUTPATIENT or ONLINE",
            );
        }
        if !(1..=600).contains(&self.minutes) {
            v.add("contact.minutes", "must be 1 to 600 minutes");
        }
        if self.participants.len() > MAX_PARTICIPANTS {
            v.add(
                "contact.participants",
                format!("lists at most {MAX_PARTICIPANTS} participants"),
            );
        }
        let participants = self
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| {
                v.required_text(&format!("contact.participants[{i}]"), p, MAX_PARTICIPANT)
            })
            .collect();
        if self.interventions.len() > MAX_INTERVENTIONS {
            v.add("contact.intervention_ids", "names at most 20 interventions");
        }
        let mut interventions = Vec::new();
        for (i, text) in self.interventions.iter().enumerate() {
            match InterventionId::parse(text) {
                Some(id) => interventions.push(id),
                None => v.add(
                    format!("contact.intervention_ids[{i}]"),
                    "must be an intervention id (a UUID)",
                ),
            }
        }
        let note = v.required_text("contact.note", &self.note, MAX_NOTE);
        let department_note = v.optional_text(
            "contact.department_note",
            &self.department_note,
            MAX_DEPARTMENT_NOTE,
        );
        match channel {
            Some(channel) if v.is_empty() => Ok(Contact {
                id: ContactId::new(),
                referral,
                station,
                request_id,
                at,
                channel,
                minutes: self.minutes,
                interventions,
                texts: ContactTexts {
                    participants,
                    note,
                    department_note,
                },
                recorded_by,
                recorded_by_worker,
                first: false,
                created_at: now,
            }),
            _ => Err(v),
        }
    }
}
