//! Contact and follow-up messages to and from the domain.

use yishe_domain::followup::{
    AttemptDraft, CONTACT_PAGE, Contact, ContactDraft, DuePosition, FOLLOW_UP_PAGE, FollowUp,
    FollowUpDraft, FollowUpFilter, FollowUpOutcome, FollowUpState, FollowUpStep, ListContacts,
    ListFollowUps, RecordContact, ScheduleFollowUp, StepFollowUp,
};
use yishe_domain::{AssessmentId, ContactId, FollowUpId, ReferralId, SocialWorkerId, Violations};

use super::coded::{inbound, outbound};
use super::parse;
use super::time::to_timestamp;
use crate::followup as wire;

fn referral(text: &str, v: &mut Violations) -> Option<ReferralId> {
    parse::id("referral_id", text, "a referral id", ReferralId::parse, v)
}

pub fn record_contact_request(r: wire::RecordContactRequest) -> Result<RecordContact, Violations> {
    let mut v = Violations::new();
    let referral = referral(&r.referral_id, &mut v);
    let request_id = v.required_text("request_id", &r.request_id, parse::MAX_REQUEST_ID);
    let c = r.contact.unwrap_or_default();
    let draft = ContactDraft {
        at: parse::time("contact.contact_time", c.contact_time, &mut v),
        channel: inbound!(c.channel, wire::Channel, "CHANNEL_"),
        participants: c.participants,
        minutes: c.minutes,
        interventions: c.intervention_ids,
        note: c.note,
        department_note: c.department_note,
        consent_reconfirmed: c.consent_reconfirmed,
    };
    match referral {
        Some(referral) if v.is_empty() => Ok(RecordContact {
            referral,
            request_id,
            draft,
        }),
        _ => Err(v),
    }
}

pub fn list_contacts_request(r: wire::ListContactsRequest) -> Result<ListContacts, Violations> {
    let mut v = Violations::new();
    let referral = referral(&r.referral_id, &mut v);
    let page = parse::page(
        r.page_size,
        &r.page_token,
        CONTACT_PAGE,
        ContactId::parse,
        &mut v,
    );
    match referral {
        Some(referral) if v.is_empty() => Ok(ListContacts { referral, page }),
        _ => Err(v),
    }
}

pub fn progress_notes_request(r: wire::ListProgressNotesRequest) -> Result<ReferralId, Violations> {
    let mut v = Violations::new();
    referral(&r.referral_id, &mut v).ok_or(v)
}

pub fn schedule_request(r: wire::ScheduleFollowUpRequest) -> Result<ScheduleFollowUp, Violations> {
    let mut v = Violations::new();
    let f = r.follow_up.unwrap_or_default();
    let referral = parse::id(
        "follow_up.referral_id",
        &f.referral_id,
        "a referral id",
        ReferralId::parse,
        &mut v,
    );
    let request_id = v.required_text("request_id", &r.request_id, parse::MAX_REQUEST_ID);
    let assignee = parse::optional_id(
        "follow_up.assignee_worker_id",
        &f.assignee_worker_id,
        "a social worker id",
        SocialWorkerId::parse,
        &mut v,
    );
    let draft = FollowUpDraft {
        phase: inbound!(f.phase, wire::Phase, "PHASE_"),
        purpose: inbound!(f.purpose, wire::Purpose, "PURPOSE_"),
        instruments: f.instrument_ids,
        channel: inbound!(f.channel, wire::Channel, "CHANNEL_"),
        due_at: parse::time("follow_up.due_time", f.due_time, &mut v),
        grace_hours: f.grace_hours,
        assignee,
    };
    match referral {
        Some(referral) if v.is_empty() => Ok(ScheduleFollowUp {
            referral,
            request_id,
            draft,
        }),
        _ => Err(v),
    }
}

fn follow_up_id(text: &str, v: &mut Violations) -> Option<FollowUpId> {
    parse::id("follow_up_id", text, "a follow-up id", FollowUpId::parse, v)
}

pub fn get_request(r: wire::GetFollowUpRequest) -> Result<FollowUpId, Violations> {
    let mut v = Violations::new();
    follow_up_id(&r.follow_up_id, &mut v).ok_or(v)
}

pub fn list_request(r: wire::ListFollowUpsRequest) -> Result<ListFollowUps, Violations> {
    let mut v = Violations::new();
    let state = match inbound!(r.state, wire::FollowUpState, "FOLLOW_UP_STATE_").as_str() {
        "" => None,
        name => {
            let state = FollowUpState::parse(name);
            if state.is_none() {
                v.add("state", "is not a follow-up state");
            }
            state
        }
    };
    let assignee = parse::optional_id(
        "assignee_worker_id",
        &r.assignee_worker_id,
        "a social worker id",
        SocialWorkerId::parse,
        &mut v,
    );
    let referral = parse::optional_id(
        "referral_id",
        &r.referral_id,
        "a referral id",
        ReferralId::parse,
        &mut v,
    );
    let due_before = parse::time("due_before", r.due_before, &mut v);
    let page = parse::page(
        r.page_size,
        &r.page_token,
        FOLLOW_UP_PAGE,
        DuePosition::parse,
        &mut v,
    );
    v.into_result(ListFollowUps {
        filter: FollowUpFilter {
            state,
            assignee,
            due_before,
            overdue_only: r.overdue_only,
            escalated_only: r.escalated_only,
            referral,
        },
        page,
    })
}

fn step(
    id: &str,
    etag: &str,
    v: &mut Violations,
    step: FollowUpStep,
) -> Result<StepFollowUp, Violations> {
    let id = follow_up_id(id, v);
    let etag = parse::etag("etag", etag, v);
    match (id, etag) {
        (Some(id), Some(etag)) if v.is_empty() => Ok(StepFollowUp { id, etag, step }),
        _ => Err(std::mem::take(v)),
    }
}

pub fn reschedule_request(r: wire::RescheduleFollowUpRequest) -> Result<StepFollowUp, Violations> {
    let mut v = Violations::new();
    let due = parse::time("due_time", r.due_time, &mut v);
    if due.is_none() && !v.names("due_time") {
        v.add("due_time", "is required: the new due time");
    }
    let due_at = due.unwrap_or_default();
    step(
        &r.follow_up_id,
        &r.etag,
        &mut v,
        FollowUpStep::Reschedule {
            due_at,
            reason: r.reason,
        },
    )
}

pub fn attempt_request(r: wire::RecordAttemptRequest) -> Result<StepFollowUp, Violations> {
    let mut v = Violations::new();
    let a = r.attempt.unwrap_or_default();
    let at = parse::time("attempt.attempt_time", a.attempt_time, &mut v);
    let draft = AttemptDraft {
        at,
        channel: inbound!(a.channel, wire::Channel, "CHANNEL_"),
        reached: a.reached,
        note: a.note,
    };
    step(
        &r.follow_up_id,
        &r.etag,
        &mut v,
        FollowUpStep::Attempt(draft),
    )
}

pub fn complete_request(r: wire::CompleteFollowUpRequest) -> Result<StepFollowUp, Violations> {
    let mut v = Violations::new();
    let outcome = FollowUpOutcome::parse(&inbound!(r.outcome, wire::Outcome, "OUTCOME_"));
    let assessment = parse::optional_id(
        "assessment_id",
        &r.assessment_id,
        "an assessment id",
        AssessmentId::parse,
        &mut v,
    );
    step(
        &r.follow_up_id,
        &r.etag,
        &mut v,
        FollowUpStep::Complete {
            outcome,
            note: r.note,
            assessment,
        },
    )
}

pub fn cancel_request(r: wire::CancelFollowUpRequest) -> Result<StepFollowUp, Violations> {
    let mut v = Violations::new();
    step(
        &r.follow_up_id,
        &r.etag,
        &mut v,
        FollowUpStep::Cancel { reason: r.reason },
    )
}

/// A contact, with the name of the worker who recorded it.
pub fn contact_to_proto(c: &Contact, recorded_by_name: &str) -> wire::Contact {
    wire::Contact {
        contact_id: c.id.to_string(),
        referral_id: c.referral.to_string(),
        contact_time: Some(to_timestamp(c.at)),
        channel: outbound!(c.channel, wire::Channel, "CHANNEL_"),
        participants: c.texts.participants.clone(),
        minutes: c.minutes,
        intervention_ids: c.interventions.iter().map(ToString::to_string).collect(),
        note: c.texts.note.clone(),
        department_note: c.texts.department_note.clone(),
        recorded_by_worker_id: c
            .recorded_by_worker
            .map(|w| w.to_string())
            .unwrap_or_default(),
        recorded_by_name: recorded_by_name.to_owned(),
        first_contact: c.first,
        // Input only: the referral's consent records the confirmation.
        consent_reconfirmed: false,
    }
}

/// A shared progress note: what the department may read of a contact.
pub fn progress_note_to_proto(c: &Contact) -> wire::ProgressNote {
    wire::ProgressNote {
        contact_id: c.id.to_string(),
        note: c.texts.department_note.clone(),
        contact_time: Some(to_timestamp(c.at)),
    }
}

/// A follow-up, with the assignee's name.
pub fn follow_up_to_proto(f: &FollowUp, assignee_name: &str) -> wire::FollowUp {
    wire::FollowUp {
        follow_up_id: f.id.to_string(),
        referral_id: f.referral.to_string(),
        phase: outbound!(f.phase, wire::Phase, "PHASE_"),
        purpose: outbound!(f.purpose, wire::Purpose, "PURPOSE_"),
        instrument_ids: f.instruments.iter().map(|i| i.id().to_owned()).collect(),
        channel: outbound!(f.channel, wire::Channel, "CHANNEL_"),
        due_time: Some(to_timestamp(f.due_at)),
        grace_hours: f.grace_hours,
        assignee_worker_id: f.assignee.map(|w| w.to_string()).unwrap_or_default(),
        assignee_name: assignee_name.to_owned(),
        state: outbound!(f.state, wire::FollowUpState, "FOLLOW_UP_STATE_"),
        overdue: f.overdue,
        escalated: f.escalated,
        attempts: f
            .texts
            .attempts
            .iter()
            .map(|a| wire::Attempt {
                attempt_time: Some(to_timestamp(a.at)),
                channel: outbound!(a.channel, wire::Channel, "CHANNEL_"),
                reached: a.reached,
                note: a.note.clone(),
            })
            .collect(),
        outcome: f
            .outcome
            .map_or(0, |o| outbound!(o, wire::Outcome, "OUTCOME_")),
        assessment_id: f.assessment.map(|a| a.to_string()).unwrap_or_default(),
        note: f.texts.note.clone(),
        create_time: Some(to_timestamp(f.created_at)),
        etag: f.etag().to_string(),
    }
}
