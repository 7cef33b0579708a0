//! Contacts and follow-ups end to end: the first contact and a shared progress note
//! reach the department (and nothing else does); a risk flag schedules a safety check
//! that the server marks overdue and escalates by itself when the clock passes it; a
//! follow-up attempted, missed, and refused when stale or already closed.

use std::time::Duration;

use yishe_proto::common::Priority;
use yishe_proto::followup::*;
use yishe_proto::referral::{GetReferralRequest, Referral, ReferralEventType};
use yishe_testserver::feed::{events_until as until, update_note, watch, withdraw};

use crate::support::{Station, TestApp, e2e, refusal};

e2e!(
    contacts_tell_the_department_what_it_should_hear,
    a_risk_flag_schedules_a_safety_check_escalated_when_overdue,
    a_follow_up_is_attempted_missed_and_then_closed,
    a_case_that_ends_takes_its_follow_ups_with_it,
);

/// The department changes its note: an event it sees, after everything before it.
async fn mark_the_feed(app: &TestApp, station: &Station, referral: &Referral) {
    update_note(app, station, &referral.id, "marker").await;
}

fn ago(app: &TestApp, minutes: i64) -> Option<prost_types::Timestamp> {
    at(app, chrono::Duration::minutes(-minutes))
}

fn at(app: &TestApp, from_now: chrono::Duration) -> Option<prost_types::Timestamp> {
    let t = yishe_domain::Clock::now(app.clock.as_ref()) + from_now;
    Some(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    })
}

fn contact(app: &TestApp, department_note: &str) -> Contact {
    Contact {
        contact_time: ago(app, 30),
        channel: Channel::WardVisit as i32,
        participants: vec!["患者".into(), "女儿".into()],
        minutes: 40,
        note: "家属担心费用，情绪焦虑".into(),
        department_note: department_note.into(),
        ..Default::default()
    }
}

async fn record(
    app: &TestApp,
    station: &Station,
    referral: &Referral,
    request_id: &str,
    contact: Contact,
) -> Result<Contact, tonic::Status> {
    app.followups(Some(&station.worker_key))
        .record_contact(RecordContactRequest {
            referral_id: referral.id.clone(),
            contact: Some(contact),
            request_id: request_id.into(),
        })
        .await
        .map(|r| r.into_inner().contact.unwrap())
}

async fn contacts_tell_the_department_what_it_should_hear(app: TestApp, station: Station) {
    let mut his_feed = watch(&app, &station.his_key).await;
    let referral = station
        .assigned_referral(&app, "contact-1", Priority::Routine)
        .await;
    // The station meets the family an hour after the referral came in.
    app.clock.advance(Duration::from_secs(3600));

    // Sent twice as the same message: a resend repeats the payload to the second.
    let sent = contact(&app, "已开始协助申请医疗救助");
    let first = record(&app, &station, &referral, "c1", sent.clone())
        .await
        .expect("recorded");
    assert!(first.first_contact);
    assert_eq!(first.recorded_by_name, "Wang Fang");
    let again = record(&app, &station, &referral, "c1", sent)
        .await
        .expect("a resend");
    assert_eq!(
        again.contact_id, first.contact_id,
        "a resend is the first contact"
    );
    let second = record(&app, &station, &referral, "c2", contact(&app, ""))
        .await
        .unwrap();
    assert!(!second.first_contact);

    // The department reads when the station first met the patient, and the note.
    let read = app
        .referrals(Some(&station.his_key))
        .get_referral(GetReferralRequest {
            referral_id: referral.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(read.first_contact_time, first.contact_time);
    let notes = app
        .followups(Some(&station.his_key))
        .list_progress_notes(ListProgressNotesRequest {
            referral_id: referral.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].note, "已开始协助申请医疗救助");
    let other = app
        .followups(Some(&station.other_his_key))
        .list_progress_notes(ListProgressNotesRequest {
            referral_id: referral.id.clone(),
        })
        .await;
    assert_eq!(
        refusal(&other),
        (tonic::Code::NotFound, "REFERRAL_NOT_FOUND".into()),
        "another department's HIS"
    );

    // On its feed: one FIRST_CONTACT and one PROGRESS_NOTE_SHARED, no contact content.
    mark_the_feed(&app, &station, &referral).await;
    let seen = until(&mut his_feed, ReferralEventType::Updated).await;
    let count = |kind: ReferralEventType| seen.iter().filter(|e| e.r#type == kind as i32).count();
    assert_eq!(count(ReferralEventType::FirstContact), 1);
    assert_eq!(count(ReferralEventType::ProgressNoteShared), 1);
    assert!(
        !format!("{seen:?}").contains("焦虑"),
        "no contact note on the feed"
    );

    // A contact needs its channel, minutes and note, and a past time.
    let bad = record(
        &app,
        &station,
        &referral,
        "c3",
        Contact {
            contact_time: at(&app, chrono::Duration::hours(2)),
            ..Default::default()
        },
    )
    .await
    .expect_err("refused");
    let fields = crate::support::bad_fields(&bad);
    for field in [
        "contact.contact_time",
        "contact.channel",
        "contact.minutes",
        "contact.note",
    ] {
        assert!(
            fields.iter().any(|f| f == field),
            "{field} not in {fields:?}"
        );
    }
}

async fn a_risk_flag_schedules_a_safety_check_escalated_when_overdue(
    app: TestApp,
    station: Station,
) {
    let mut station_feed = watch(&app, &station.supervisor_key).await;
    let mut his_feed = watch(&app, &station.his_key).await;
    let referral = station
        .assigned_referral(&app, "safety-1", Priority::Routine)
        .await;
    yishe_testserver::plans::risky_assessment(&app, &station, &referral, "safety-a1").await;

    let mut supervisor = app.followups(Some(&station.supervisor_key));
    let scheduled = supervisor
        .list_follow_ups(ListFollowUpsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert_eq!(scheduled.len(), 1, "the flag scheduled one safety check");
    let check = &scheduled[0];
    assert_eq!(check.purpose(), Purpose::SafetyCheck);
    assert_eq!(check.assignee_name, "Wang Fang");
    assert!(!check.overdue && !check.escalated);

    // Nobody acts: past its due time it is overdue and escalated at once.
    app.clock.advance(Duration::from_secs(25 * 3600));
    let seen = until(&mut station_feed, ReferralEventType::FollowUpEscalated).await;
    assert!(
        seen.iter()
            .any(|e| e.r#type == ReferralEventType::FollowUpOverdue as i32
                && e.follow_up_id == check.follow_up_id)
    );
    let escalated = supervisor
        .list_follow_ups(ListFollowUpsRequest {
            escalated_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert_eq!(escalated.len(), 1, "on the supervisors' overdue list");
    assert!(escalated[0].overdue);
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("yishe_follow_ups_total{event=\"escalated\",purpose=\"SAFETY_CHECK\"} 1"),
        "{metrics}"
    );
    // Still open, overdue and escalated: what the escalation alert counts.
    assert!(
        metrics.contains(
            r#"yishe_follow_ups_open{escalated="true",overdue="true",purpose="SAFETY_CHECK",station="s1"} 1"#
        ),
        "{metrics}"
    );

    // The worker cannot quietly drop what was escalated; a supervisor can.
    let dropped = app
        .followups(Some(&station.worker_key))
        .cancel_follow_up(CancelFollowUpRequest {
            follow_up_id: check.follow_up_id.clone(),
            etag: escalated[0].etag.clone(),
            reason: "已电话确认安全".into(),
        })
        .await;
    assert_eq!(
        refusal(&dropped),
        (tonic::Code::PermissionDenied, "SUPERVISORS_ONLY".into())
    );

    // The department heard of the risk, not of the station's overdue list.
    mark_the_feed(&app, &station, &referral).await;
    let his = until(&mut his_feed, ReferralEventType::Updated).await;
    for station_only in [
        ReferralEventType::FollowUpOverdue,
        ReferralEventType::FollowUpEscalated,
    ] {
        assert!(
            his.iter().all(|e| e.r#type != station_only as i32),
            "{station_only:?} reached the department"
        );
    }
}

async fn a_follow_up_is_attempted_missed_and_then_closed(app: TestApp, station: Station) {
    let referral = station
        .assigned_referral(&app, "follow-1", Priority::Routine)
        .await;
    let mut worker = app.followups(Some(&station.worker_key));
    let scheduled = worker
        .schedule_follow_up(ScheduleFollowUpRequest {
            follow_up: Some(FollowUp {
                referral_id: referral.id.clone(),
                purpose: Purpose::CheckIn as i32,
                channel: Channel::Phone as i32,
                due_time: at(&app, chrono::Duration::hours(2)),
                ..Default::default()
            }),
            request_id: "f1".into(),
        })
        .await
        .expect("scheduled")
        .into_inner()
        .follow_up
        .unwrap();
    assert_eq!(scheduled.state(), FollowUpState::Scheduled);
    assert_eq!(scheduled.grace_hours, 24, "the default grace period");

    let due = worker
        .list_follow_ups(ListFollowUpsRequest {
            due_before: at(&app, chrono::Duration::hours(3)),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert_eq!(due.len(), 1, "on my due list");

    // A routine follow-up is overdue after its grace period, escalated a day later.
    app.clock.advance(Duration::from_secs(27 * 3600));
    let overdue = loop {
        let read = worker
            .get_follow_up(GetFollowUpRequest {
                follow_up_id: scheduled.follow_up_id.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .follow_up
            .unwrap();
        if read.overdue {
            break read;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(!overdue.escalated, "not yet: a routine case waits a day");

    let attempted = worker
        .record_attempt(RecordAttemptRequest {
            follow_up_id: scheduled.follow_up_id.clone(),
            etag: overdue.etag.clone(),
            attempt: Some(Attempt {
                channel: Channel::Phone as i32,
                reached: false,
                note: "无人接听".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("an attempt")
        .into_inner()
        .follow_up
        .unwrap();
    assert_eq!(attempted.attempts.len(), 1);
    let stale = worker
        .cancel_follow_up(CancelFollowUpRequest {
            follow_up_id: scheduled.follow_up_id.clone(),
            etag: overdue.etag.clone(),
            reason: "x".into(),
        })
        .await;
    assert_eq!(refusal(&stale), (tonic::Code::Aborted, "STALE_ETAG".into()));
    let missed = worker
        .complete_follow_up(CompleteFollowUpRequest {
            follow_up_id: scheduled.follow_up_id.clone(),
            etag: attempted.etag.clone(),
            outcome: Outcome::NotReached as i32,
            note: "三次未接通".into(),
            ..Default::default()
        })
        .await
        .expect("completed")
        .into_inner()
        .follow_up
        .unwrap();
    assert_eq!(missed.state(), FollowUpState::Missed);
    let closed = worker
        .cancel_follow_up(CancelFollowUpRequest {
            follow_up_id: scheduled.follow_up_id.clone(),
            etag: missed.etag.clone(),
            reason: "x".into(),
        })
        .await;
    assert_eq!(
        refusal(&closed),
        (
            tonic::Code::FailedPrecondition,
            "WRONG_FOLLOW_UP_STATE".into()
        )
    );
}

async fn a_case_that_ends_takes_its_follow_ups_with_it(app: TestApp, station: Station) {
    let referral = station
        .assigned_referral(&app, "follow-ended", Priority::Routine)
        .await;
    let mut worker = app.followups(Some(&station.worker_key));
    let scheduled = worker
        .schedule_follow_up(ScheduleFollowUpRequest {
            follow_up: Some(FollowUp {
                referral_id: referral.id.clone(),
                purpose: Purpose::CheckIn as i32,
                channel: Channel::Phone as i32,
                due_time: at(&app, chrono::Duration::hours(2)),
                ..Default::default()
            }),
            request_id: "f-ended".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    withdraw(&app, &station, &referral.id, "患者已转院").await;
    app.clock.advance(Duration::from_secs(30 * 3600));
    let ended = loop {
        let read = app
            .followups(Some(&station.supervisor_key))
            .get_follow_up(GetFollowUpRequest {
                follow_up_id: scheduled.follow_up_id.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .follow_up
            .unwrap();
        if read.state() != FollowUpState::Scheduled {
            break read;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(ended.state(), FollowUpState::Cancelled);
    assert!(
        !ended.overdue,
        "an ended case's follow-up is not overdue, it is dropped"
    );
}
