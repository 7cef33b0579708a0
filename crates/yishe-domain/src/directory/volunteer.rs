//! The station's volunteer teams (志愿服务队) and their volunteers: who they are, what
//! they can do, whether they take tasks, and the training hours the station must show
//! for each year.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Etag, StationId, Violations, VolunteerId, VolunteerTeamId};

const MAX_NAME: usize = 100;
const MAX_CONTACT: usize = 200;
const MAX_SKILLS: usize = 20;
const MAX_SKILL: usize = 50;
/// More training than this in a year is a typing error.
const MAX_HOURS: f64 = 2000.0;

/// A volunteer team of a station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerTeam {
    pub id: VolunteerTeamId,
    pub station: StationId,
    pub display_name: String,
    pub contact: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Training hours received in one calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingHours {
    pub year: i32,
    pub hours: f64,
}

/// A volunteer of one of the station's teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Volunteer {
    pub id: VolunteerId,
    pub station: StationId,
    pub team: VolunteerTeamId,
    pub display_name: String,
    pub contact: String,
    pub skills: Vec<String>,
    pub active: bool,
    pub training: Vec<TrainingHours>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Volunteer {
    pub fn etag(&self) -> Etag {
        Etag::of(self.version)
    }
}

/// A team as an administrator sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamDraft {
    pub display_name: String,
    pub contact: String,
}

impl TeamDraft {
    pub fn validate(
        self,
        station: StationId,
        now: DateTime<Utc>,
    ) -> Result<VolunteerTeam, Violations> {
        let mut v = Violations::new();
        let display_name = v.required_text("team.display_name", &self.display_name, MAX_NAME);
        let contact = v.optional_text("team.contact", &self.contact, MAX_CONTACT);
        v.into_result(VolunteerTeam {
            id: VolunteerTeamId::new(),
            station,
            display_name,
            contact,
            active: true,
            created_at: now,
        })
    }
}

/// A volunteer as an administrator sends it (to create one, or the fields an update
/// names); the team is checked against the store by the caller of `validate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VolunteerDraft {
    pub team: Option<VolunteerTeamId>,
    pub display_name: String,
    pub contact: String,
    pub skills: Vec<String>,
    pub active: bool,
    pub training: Vec<TrainingHours>,
}

/// Which fields an update changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VolunteerMask {
    pub team: bool,
    pub display_name: bool,
    pub contact: bool,
    pub skills: bool,
    pub active: bool,
    pub training: bool,
}

impl VolunteerMask {
    pub fn parse(paths: &[String]) -> Result<Self, Violations> {
        let mut mask = VolunteerMask::default();
        let mut v = Violations::new();
        v.field_mask(
            paths,
            &mut [
                ("team_id", &mut mask.team),
                ("display_name", &mut mask.display_name),
                ("contact", &mut mask.contact),
                ("skills", &mut mask.skills),
                ("active", &mut mask.active),
                ("training_hours", &mut mask.training),
            ],
            "the fields to change",
        );
        v.into_result(mask)
    }
}

/// Change the fields `mask` names of a volunteer read at `etag`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateVolunteer {
    pub id: VolunteerId,
    pub etag: Etag,
    pub draft: VolunteerDraft,
    pub mask: VolunteerMask,
}

impl VolunteerDraft {
    fn check(&self, v: &mut Violations, mask: VolunteerMask) -> (String, String, Vec<String>) {
        let name = if mask.display_name {
            v.required_text("volunteer.display_name", &self.display_name, MAX_NAME)
        } else {
            String::new()
        };
        let contact = v.optional_text("volunteer.contact", &self.contact, MAX_CONTACT);
        if mask.team && self.team.is_none() {
            v.add("volunteer.team_id", "is required: the volunteer's team");
        }
        if self.skills.len() > MAX_SKILLS {
            v.add(
                "volunteer.skills",
                format!("lists at most {MAX_SKILLS} skills"),
            );
        }
        let skills = self
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| v.required_text(&format!("volunteer.skills[{i}]"), s, MAX_SKILL))
            .collect();
        let mut years = std::collections::HashSet::new();
        for (i, t) in self.training.iter().enumerate() {
            if !(2000..=2100).contains(&t.year) || !years.insert(t.year) {
                v.add(
                    format!("volunteer.training_hours[{i}].year"),
                    "must be a year from 2000 to 2100, once each",
                );
            }
            if !(0.0..=MAX_HOURS).contains(&t.hours) || (t.hours * 2.0).fract() != 0.0 {
                v.add(
                    format!("volunteer.training_hours[{i}].hours"),
                    format!("must be 0 to {MAX_HOURS} hours, in halves"),
                );
            }
        }
        (name, contact, skills)
    }

    /// A new volunteer of `station` in the team the draft names.
    pub fn validate(self, station: StationId, now: DateTime<Utc>) -> Result<Volunteer, Violations> {
        let mut v = Violations::new();
        let all = VolunteerMask {
            team: true,
            display_name: true,
            ..VolunteerMask::default()
        };
        let (display_name, contact, skills) = self.check(&mut v, all);
        match self.team {
            Some(team) if v.is_empty() => Ok(Volunteer {
                id: VolunteerId::new(),
                station,
                team,
                display_name,
                contact,
                skills,
                active: true,
                training: sorted(self.training),
                created_at: now,
                updated_at: now,
                version: 1,
            }),
            _ => Err(v),
        }
    }

    /// Applies the fields `mask` names to `volunteer` at `now`, or names every
    /// offending one; the version is the store's to move.
    pub fn apply(
        self,
        mask: VolunteerMask,
        volunteer: &mut Volunteer,
        now: DateTime<Utc>,
    ) -> Result<(), Violations> {
        let mut v = Violations::new();
        let (display_name, contact, skills) = self.check(&mut v, mask);
        if !v.is_empty() {
            return Err(v);
        }
        if mask.team
            && let Some(team) = self.team
        {
            volunteer.team = team;
        }
        if mask.display_name {
            volunteer.display_name = display_name;
        }
        if mask.contact {
            volunteer.contact = contact;
        }
        if mask.skills {
            volunteer.skills = skills;
        }
        if mask.active {
            volunteer.active = self.active;
        }
        if mask.training {
            volunteer.training = sorted(self.training);
        }
        volunteer.updated_at = now;
        Ok(())
    }
}

fn sorted(mut training: Vec<TrainingHours>) -> Vec<TrainingHours> {
    training.sort_by_key(|t| t.year);
    training
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named_and_hours_come_in_halves() {
        let draft = VolunteerDraft {
            team: None,
            display_name: " ".into(),
            skills: vec!["陪诊".into(), String::new()],
            training: vec![
                TrainingHours {
                    year: 2026,
                    hours: 12.5,
                },
                TrainingHours {
                    year: 2026,
                    hours: 3.3,
                },
            ],
            ..Default::default()
        };
        let v = draft
            .validate(StationId::parse("s1").unwrap(), Utc::now())
            .unwrap_err();
        for field in [
            "volunteer.team_id",
            "volunteer.display_name",
            "volunteer.skills[1]",
            "volunteer.training_hours[1].year",
            "volunteer.training_hours[1].hours",
        ] {
            assert!(v.names(field), "{field} not named in {v:?}");
        }
        assert!(!v.names("volunteer.training_hours[0].hours"));
    }
}
