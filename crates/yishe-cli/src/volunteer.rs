//! `yishe volunteer …`: the station's volunteer teams and volunteers, with the training
//! hours the station must show per year.

use serde_json::{Value, json};
use yishe_proto::directory::*;

use crate::args::{Output, TeamCommand, VolunteerCommand};
use crate::client::Connection;
use crate::directory::all_pages;
use crate::failure::Failure;
use crate::output::{record, rows, time};

fn team_json(t: &VolunteerTeam) -> Value {
    json!({
        "id": t.id,
        "display_name": t.display_name,
        "contact": t.contact,
        "active": t.active,
        "create_time": time(&t.create_time),
    })
}

fn volunteer_json(v: &Volunteer) -> Value {
    json!({
        "id": v.id,
        "display_name": v.display_name,
        "team_id": v.team_id,
        "contact": v.contact,
        "skills": v.skills,
        "active": v.active,
        "training_hours": v.training_hours.iter().map(|t| format!("{}: {}h", t.year, t.hours)).collect::<Vec<_>>(),
        "etag": v.etag,
    })
}

/// `2026=12.5` as a year's training hours.
fn training(pairs: &[String]) -> Result<Vec<TrainingHours>, Failure> {
    pairs
        .iter()
        .map(|pair| {
            let parsed = pair.split_once('=').and_then(|(year, hours)| {
                Some(TrainingHours {
                    year: year.trim().parse().ok()?,
                    hours: hours.trim().parse().ok()?,
                })
            });
            parsed.ok_or_else(|| {
                Failure::local(format!(
                    "--training {pair:?}: write YEAR=HOURS, such as 2026=12.5"
                ))
            })
        })
        .collect()
}

fn print_volunteer(output: Output, v: Option<Volunteer>) {
    record(output, volunteer_json(&v.unwrap_or_default()));
}

pub(crate) async fn run(command: VolunteerCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.directory();
    match command {
        VolunteerCommand::Team(TeamCommand::Create { name, contact }) => {
            let team = client
                .create_volunteer_team(CreateVolunteerTeamRequest {
                    team: Some(VolunteerTeam {
                        display_name: name,
                        contact,
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await?
                .into_inner()
                .team
                .unwrap_or_default();
            record(c.output, team_json(&team));
        }
        VolunteerCommand::Team(TeamCommand::List) => {
            let teams = all_pages(|page_token| {
                let mut client = client.clone();
                async move {
                    let r = client
                        .list_volunteer_teams(ListVolunteerTeamsRequest {
                            page_token,
                            ..Default::default()
                        })
                        .await?
                        .into_inner();
                    Ok((r.teams, r.next_page_token))
                }
            })
            .await?;
            let values = teams.iter().map(team_json).collect();
            rows(
                c.output,
                values,
                &["id", "display_name", "contact", "active"],
                None,
            );
        }
        VolunteerCommand::Add {
            team,
            name,
            contact,
            skills,
            training: hours,
        } => {
            let volunteer = client
                .create_volunteer(CreateVolunteerRequest {
                    volunteer: Some(Volunteer {
                        team_id: team,
                        display_name: name,
                        contact,
                        skills,
                        training_hours: training(&hours)?,
                        ..Default::default()
                    }),
                    ..Default::default()
                })
                .await?
                .into_inner()
                .volunteer;
            print_volunteer(c.output, volunteer);
        }
        VolunteerCommand::Update {
            id,
            etag,
            training: hours,
            skills,
            team,
            inactive,
            active,
        } => {
            let mut paths = Vec::new();
            if !hours.is_empty() {
                paths.push("training_hours".to_owned());
            }
            if !skills.is_empty() {
                paths.push("skills".to_owned());
            }
            if team.is_some() {
                paths.push("team_id".to_owned());
            }
            if inactive || active {
                paths.push("active".to_owned());
            }
            let etag = match etag {
                Some(etag) => etag,
                None => current_etag(c, &id).await?,
            };
            let volunteer = client
                .update_volunteer(UpdateVolunteerRequest {
                    volunteer: Some(Volunteer {
                        id,
                        etag,
                        team_id: team.unwrap_or_default(),
                        skills,
                        active: active && !inactive,
                        training_hours: training(&hours)?,
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask { paths }),
                })
                .await?
                .into_inner()
                .volunteer;
            print_volunteer(c.output, volunteer);
        }
        VolunteerCommand::List { team, all } => {
            let volunteers = all_pages(|page_token| {
                let mut client = client.clone();
                let team_id = team.clone();
                async move {
                    let r = client
                        .list_volunteers(ListVolunteersRequest {
                            team_id,
                            include_inactive: all,
                            page_token,
                            ..Default::default()
                        })
                        .await?
                        .into_inner();
                    Ok((r.volunteers, r.next_page_token))
                }
            })
            .await?;
            let values = volunteers.iter().map(volunteer_json).collect();
            rows(
                c.output,
                values,
                &[
                    "id",
                    "display_name",
                    "team_id",
                    "skills",
                    "active",
                    "training_hours",
                ],
                None,
            );
        }
    }
    Ok(())
}

/// A volunteer's current etag, read from the station's list.
async fn current_etag(c: &Connection, id: &str) -> Result<String, Failure> {
    let mut page_token = String::new();
    loop {
        let r = c
            .directory()
            .list_volunteers(ListVolunteersRequest {
                include_inactive: true,
                page_token,
                ..Default::default()
            })
            .await?
            .into_inner();
        if let Some(v) = r.volunteers.iter().find(|v| v.id == id) {
            return Ok(v.etag.clone());
        }
        if r.next_page_token.is_empty() {
            return Err(Failure::local(format!("no volunteer {id} at this station")));
        }
        page_token = r.next_page_token;
    }
}
