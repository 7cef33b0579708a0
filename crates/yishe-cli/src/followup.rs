//! `yishe contact …` and `yishe followup …`: contacts recorded and listed, and
//! follow-ups as a social worker works their due list; Chinese states, local time.

use serde_json::{Value, json};
use yishe_proto::followup::*;

use crate::args::{ContactCommand, FollowupCommand};
use crate::client::Connection;
use crate::enums::{parse, short};
use crate::failure::Failure;
use crate::output::local;
use crate::output::{record, rows};
use crate::task::at;

fn channel(text: &str) -> Result<i32, Failure> {
    Ok(parse(
        "CHANNEL_",
        text,
        Channel::from_str_name,
        Channel::as_str_name,
        "channel",
    )? as i32)
}

fn contact_json(c: &Contact) -> Value {
    json!({
        "id": c.contact_id,
        "when": local(&c.contact_time),
        "channel": short("CHANNEL_", c.channel().as_str_name()),
        "minutes": c.minutes,
        "participants": c.participants,
        "note": c.note,
        "department_note": c.department_note,
        "recorded_by": c.recorded_by_name,
        "first_contact": if c.first_contact { "首次接触" } else { "" },
    })
}

fn state_zh(f: &FollowUp) -> String {
    let mut state = match f.state() {
        FollowUpState::Scheduled => "待跟进",
        FollowUpState::Done => "已完成",
        FollowUpState::Missed => "未联系上",
        FollowUpState::Cancelled => "已取消",
        FollowUpState::Unspecified => "",
    }
    .to_owned();
    if f.escalated {
        state.push_str("（已逾期，已上报督导）");
    } else if f.overdue {
        state.push_str("（已逾期）");
    }
    state
}

fn follow_up_json(f: &FollowUp) -> Value {
    json!({
        "id": f.follow_up_id,
        "referral_id": f.referral_id,
        "state": state_zh(f),
        "purpose": short("PURPOSE_", f.purpose().as_str_name()),
        "due": local(&f.due_time),
        "grace_hours": f.grace_hours,
        "channel": short("CHANNEL_", f.channel().as_str_name()),
        "assignee": f.assignee_name,
        "attempts": f.attempts.iter().map(|a| format!(
            "{} {} {}{}",
            local(&a.attempt_time),
            short("CHANNEL_", a.channel().as_str_name()),
            if a.reached { "联系上" } else { "未联系上" },
            if a.note.is_empty() { String::new() } else { format!("：{}", a.note) },
        )).collect::<Vec<_>>(),
        "outcome": short("OUTCOME_", f.outcome().as_str_name()),
        "note": f.note,
        "etag": f.etag,
    })
}

const COLUMNS: [&str; 7] = [
    "id",
    "state",
    "purpose",
    "due",
    "channel",
    "assignee",
    "referral_id",
];

async fn current_etag(c: &Connection, id: &str, etag: Option<String>) -> Result<String, Failure> {
    if let Some(etag) = etag {
        return Ok(etag);
    }
    Ok(c.followups()
        .get_follow_up(GetFollowUpRequest {
            follow_up_id: id.to_owned(),
        })
        .await?
        .into_inner()
        .follow_up
        .ok_or_else(|| Failure::local("the server answered without a follow-up"))?
        .etag)
}

fn now() -> prost_types::Timestamp {
    let t = chrono::Utc::now();
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    }
}

pub(crate) async fn contact(command: ContactCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.followups();
    match command {
        ContactCommand::Record {
            referral_id,
            at: when,
            channel: how,
            minutes,
            participants,
            interventions,
            note,
            department_note,
            consent_reconfirmed,
            request_id,
        } => {
            let contact_time = match when {
                Some(when) => at("--at", &when)?,
                None => now(),
            };
            let recorded = client
                .record_contact(RecordContactRequest {
                    referral_id,
                    contact: Some(Contact {
                        contact_time: Some(contact_time),
                        channel: channel(&how)?,
                        participants,
                        minutes,
                        intervention_ids: interventions,
                        note,
                        department_note,
                        consent_reconfirmed,
                        ..Default::default()
                    }),
                    request_id: request_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
                })
                .await?
                .into_inner()
                .contact
                .unwrap_or_default();
            record(c.output, contact_json(&recorded));
        }
        ContactCommand::List { referral_id } => {
            let page = client
                .list_contacts(ListContactsRequest {
                    referral_id,
                    page_size: 500,
                    ..Default::default()
                })
                .await?
                .into_inner();
            let values = page.contacts.iter().map(contact_json).collect();
            rows(
                c.output,
                values,
                &[
                    "when",
                    "channel",
                    "minutes",
                    "recorded_by",
                    "first_contact",
                    "note",
                    "department_note",
                ],
                Some(("next_page_token", page.next_page_token)),
            );
        }
    }
    Ok(())
}

pub(crate) async fn run(command: FollowupCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.followups();
    let list = |request: ListFollowUpsRequest| {
        let mut client = c.followups();
        async move {
            let page = client.list_follow_ups(request).await?.into_inner();
            Ok::<_, Failure>(page)
        }
    };
    let one = match command {
        FollowupCommand::Due { within_hours } => {
            let due_before = within_hours.map(|h| {
                let t = chrono::Utc::now() + chrono::Duration::hours(h);
                prost_types::Timestamp {
                    seconds: t.timestamp(),
                    nanos: 0,
                }
            });
            let page = list(ListFollowUpsRequest {
                state: FollowUpState::Scheduled as i32,
                due_before,
                page_size: 500,
                ..Default::default()
            })
            .await?;
            let values = page.follow_ups.iter().map(follow_up_json).collect();
            rows(
                c.output,
                values,
                &COLUMNS,
                Some(("next_page_token", page.next_page_token)),
            );
            return Ok(());
        }
        FollowupCommand::Overdue { escalated } => {
            let page = list(ListFollowUpsRequest {
                state: FollowUpState::Scheduled as i32,
                overdue_only: true,
                escalated_only: escalated,
                page_size: 500,
                ..Default::default()
            })
            .await?;
            let values = page.follow_ups.iter().map(follow_up_json).collect();
            rows(
                c.output,
                values,
                &COLUMNS,
                Some(("next_page_token", page.next_page_token)),
            );
            return Ok(());
        }
        FollowupCommand::Schedule {
            referral_id,
            purpose,
            channel: how,
            due,
            grace_hours,
            after_closure,
            worker,
            request_id,
        } => {
            client
                .schedule_follow_up(ScheduleFollowUpRequest {
                    follow_up: Some(FollowUp {
                        referral_id,
                        phase: if after_closure {
                            Phase::AfterClosure
                        } else {
                            Phase::DuringCase
                        } as i32,
                        purpose: parse(
                            "PURPOSE_",
                            &purpose,
                            Purpose::from_str_name,
                            Purpose::as_str_name,
                            "purpose",
                        )? as i32,
                        channel: channel(&how)?,
                        due_time: Some(at("--due", &due)?),
                        grace_hours,
                        assignee_worker_id: worker,
                        ..Default::default()
                    }),
                    request_id: request_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
                })
                .await?
                .into_inner()
                .follow_up
        }
        FollowupCommand::Show { id } => {
            client
                .get_follow_up(GetFollowUpRequest { follow_up_id: id })
                .await?
                .into_inner()
                .follow_up
        }
        FollowupCommand::Attempt {
            id,
            channel: how,
            reached,
            note,
            etag,
        } => {
            let etag = current_etag(c, &id, etag).await?;
            client
                .record_attempt(RecordAttemptRequest {
                    follow_up_id: id,
                    etag,
                    attempt: Some(Attempt {
                        attempt_time: Some(now()),
                        channel: channel(&how)?,
                        reached,
                        note,
                    }),
                })
                .await?
                .into_inner()
                .follow_up
        }
        FollowupCommand::Complete {
            id,
            outcome,
            note,
            assessment,
            etag,
        } => {
            let etag = current_etag(c, &id, etag).await?;
            client
                .complete_follow_up(CompleteFollowUpRequest {
                    follow_up_id: id,
                    etag,
                    outcome: parse(
                        "OUTCOME_",
                        &outcome,
                        Outcome::from_str_name,
                        Outcome::as_str_name,
                        "outcome",
                    )? as i32,
                    note,
                    assessment_id: assessment,
                })
                .await?
                .into_inner()
                .follow_up
        }
        FollowupCommand::Reschedule {
            id,
            due,
            reason,
            etag,
        } => {
            let etag = current_etag(c, &id, etag).await?;
            client
                .reschedule_follow_up(RescheduleFollowUpRequest {
                    follow_up_id: id,
                    etag,
                    due_time: Some(at("--due", &due)?),
                    reason,
                })
                .await?
                .into_inner()
                .follow_up
        }
        FollowupCommand::Cancel { id, reason, etag } => {
            let etag = current_etag(c, &id, etag).await?;
            client
                .cancel_follow_up(CancelFollowUpRequest {
                    follow_up_id: id,
                    etag,
                    reason,
                })
                .await?
                .into_inner()
                .follow_up
        }
    };
    let one = one.ok_or_else(|| Failure::local("the server answered without a follow-up"))?;
    record(c.output, follow_up_json(&one));
    Ok(())
}
