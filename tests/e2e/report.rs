//! The station's report against counts the test makes itself: two departments'
//! referrals received, accepted, rejected, breached, contacted and closed, with a
//! follow-up done, read back one by one and counted here, then compared with the
//! report's totals and departments, on both engines.

use std::collections::BTreeMap;
use std::time::Duration;

use yishe_proto::common::Priority;
use yishe_proto::directory::CertificationLevel;
use yishe_proto::followup::{
    Channel, CompleteFollowUpRequest, Contact, FollowUp, FollowUpState, ListFollowUpsRequest,
    Outcome as FollowUpOutcome, Purpose, RecordContactRequest, ScheduleFollowUpRequest,
};
use yishe_proto::referral::*;
use yishe_proto::report::{GetStationReportRequest, ReportCounts, Waits};
use yishe_testserver::feed::{events_until as until, watch};
use yishe_testserver::plans;

use crate::support::{Station, TestApp, e2e, refusal};

e2e!(the_report_equals_what_the_station_did);

fn ts(t: chrono::DateTime<chrono::Utc>) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: 0,
    })
}

fn now(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    yishe_domain::Clock::now(app.clock.as_ref())
}

async fn create(
    app: &TestApp,
    key: &str,
    station: &Station,
    department: &str,
    id: &str,
    priority: Priority,
) -> Referral {
    let mut request = station.referral_request(department, id);
    request.referral.as_mut().unwrap().priority = priority as i32;
    app.referrals(Some(key))
        .create_referral(request)
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap()
}

async fn accept_and_assign(app: &TestApp, station: &Station, r: &Referral) -> Referral {
    let mut s = app.referrals(Some(&station.supervisor_key));
    let accepted = s
        .accept_referral(AcceptReferralRequest {
            referral_id: r.id.clone(),
            etag: r.etag.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    s.assign_referral(AssignReferralRequest {
        referral_id: accepted.id,
        etag: accepted.etag,
        social_worker_id: station.worker.clone(),
    })
    .await
    .unwrap()
    .into_inner()
    .referral
    .unwrap()
}

async fn read(app: &TestApp, station: &Station, id: &str) -> Referral {
    app.referrals(Some(&station.supervisor_key))
        .get_referral(GetReferralRequest {
            referral_id: id.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap()
}

/// Closes referral `id` with `outcome`: requested by the station's worker, approved by
/// `approver`.
pub(crate) async fn close(
    app: &TestApp,
    station: &Station,
    approver: &str,
    id: &str,
    outcome: ClosureOutcome,
) {
    let r = read(app, station, id).await;
    let pending = app
        .referrals(Some(&station.worker_key))
        .request_closure(RequestClosureRequest {
            referral_id: r.id.clone(),
            etag: r.etag.clone(),
            closure: Some(Closure {
                outcome: outcome as i32,
                summary: "服务完成".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("closure requested")
        .into_inner()
        .referral
        .unwrap();
    app.referrals(Some(approver))
        .approve_closure(ApproveClosureRequest {
            referral_id: pending.id,
            etag: pending.etag,
            note: String::new(),
        })
        .await
        .expect("closure approved");
}

/// The nearest-rank percentile, written out again here.
fn rank(mut values: Vec<i64>, percent: usize) -> i64 {
    values.sort_unstable();
    if values.is_empty() {
        return 0;
    }
    let k = (percent * values.len()).div_ceil(100);
    values[k.max(1) - 1]
}

/// Whole seconds from `from` to `to`, exactly (the times carry microseconds).
fn seconds(
    from: &Option<prost_types::Timestamp>,
    to: &Option<prost_types::Timestamp>,
) -> Option<i64> {
    let nanos =
        |t: &prost_types::Timestamp| i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos);
    let between = nanos(to.as_ref()?) - nanos(from.as_ref()?);
    Some(i64::try_from(between / 1_000_000_000).expect("seconds"))
}
/// What the test counts from its own records, for one department or all.
fn expected(referrals: &[&Referral], follow_ups: &[&FollowUp]) -> ReportCounts {
    let accept: Vec<i64> = referrals
        .iter()
        .filter_map(|r| seconds(&r.create_time, &r.accept_time))
        .collect();
    let contact: Vec<i64> = referrals
        .iter()
        .filter_map(|r| seconds(&r.create_time, &r.first_contact_time))
        .collect();
    let waits = |v: Vec<i64>| Waits {
        count: v.len() as u32,
        median_seconds: rank(v.clone(), 50),
        p90_seconds: rank(v, 90),
    };
    let mut outcomes: BTreeMap<i32, u32> = BTreeMap::new();
    for r in referrals {
        if let Some(c) = &r.closure {
            *outcomes.entry(c.outcome).or_default() += 1;
        }
    }
    let count = |f: &dyn Fn(&Referral) -> bool| referrals.iter().filter(|r| f(r)).count() as u32;
    let rejected = count(&|r| r.status() == ReferralStatus::Rejected);
    ReportCounts {
        referrals_received: referrals.len() as u32,
        referrals_accepted: count(&|r| r.accept_time.is_some()),
        referrals_rejected: rejected,
        rejected_by_reason: if rejected > 0 {
            vec![yishe_proto::report::RejectionCount {
                reason: RejectionReason::NoCapacity as i32,
                count: rejected,
            }]
        } else {
            vec![]
        },
        sla_breaches: count(&|r| r.sla_breached),
        time_to_accept: Some(waits(accept)),
        time_to_first_contact: Some(waits(contact)),
        closures_by_outcome: outcomes
            .into_iter()
            .map(|(outcome, count)| yishe_proto::report::OutcomeCount { outcome, count })
            .collect(),
        follow_ups_done: follow_ups
            .iter()
            .filter(|f| f.state() == FollowUpState::Done)
            .count() as u32,
        follow_ups_missed: follow_ups
            .iter()
            .filter(|f| f.state() == FollowUpState::Missed)
            .count() as u32,
        follow_ups_overdue: follow_ups
            .iter()
            .filter(|f| f.overdue && f.state() != FollowUpState::Done)
            .count() as u32,
        ..Default::default()
    }
}

async fn the_report_equals_what_the_station_did(app: TestApp, station: Station) {
    let mut station_feed = watch(&app, &station.supervisor_key).await;
    let start = now(&app);
    let (_, li) =
        plans::supervisor(&app, &station, "李督导", CertificationLevel::Intermediate).await;
    let (a, b) = (station.department.clone(), station.other_department.clone());

    // Department A: one served and closed, one declined, one left waiting.
    let r1 = create(
        &app,
        &station.his_key,
        &station,
        &a,
        "rep-1",
        Priority::Routine,
    )
    .await;
    let r2 = create(
        &app,
        &station.his_key,
        &station,
        &a,
        "rep-2",
        Priority::Routine,
    )
    .await;
    app.clock.advance(Duration::from_secs(600));
    accept_and_assign(&app, &station, &r1).await;
    app.referrals(Some(&station.supervisor_key))
        .reject_referral(RejectReferralRequest {
            referral_id: r2.id.clone(),
            etag: r2.etag.clone(),
            reason: RejectionReason::NoCapacity as i32,
            note: String::new(),
        })
        .await
        .unwrap();
    plans::assess(
        &app,
        &station,
        &read(&app, &station, &r1.id).await,
        "rep-1-a",
        5,
        false,
    )
    .await;
    app.clock.advance(Duration::from_secs(3000));
    app.followups(Some(&station.worker_key))
        .record_contact(RecordContactRequest {
            referral_id: r1.id.clone(),
            request_id: "rep-1-c".into(),
            contact: Some(Contact {
                contact_time: ts(now(&app) - chrono::Duration::seconds(1)),
                channel: Channel::WardVisit as i32,
                participants: vec!["患者".into()],
                minutes: 30,
                note: "初次会谈".into(),
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    close(&app, &station, &li, &r1.id, ClosureOutcome::GoalsMet).await;
    let r3 = create(
        &app,
        &station.his_key,
        &station,
        &a,
        "rep-3",
        Priority::Emergency,
    )
    .await;

    // Department B: accepted later, a follow-up done, closed as lost contact.
    let r4 = create(
        &app,
        &station.other_his_key,
        &station,
        &b,
        "rep-4",
        Priority::Routine,
    )
    .await;
    app.clock.advance(Duration::from_secs(1800));
    accept_and_assign(&app, &station, &r4).await;
    let mut followups = app.followups(Some(&station.worker_key));
    let scheduled = followups
        .schedule_follow_up(ScheduleFollowUpRequest {
            request_id: "rep-4-f".into(),
            follow_up: Some(FollowUp {
                referral_id: r4.id.clone(),
                purpose: Purpose::CheckIn as i32,
                channel: Channel::Phone as i32,
                due_time: ts(now(&app) + chrono::Duration::hours(2)),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    followups
        .complete_follow_up(CompleteFollowUpRequest {
            follow_up_id: scheduled.follow_up_id,
            etag: scheduled.etag,
            outcome: FollowUpOutcome::NotReached as i32,
            note: "无人接听".into(),
            assessment_id: String::new(),
        })
        .await
        .unwrap();
    close(&app, &station, &li, &r4.id, ClosureOutcome::LostContact).await;

    // The emergency still waiting misses its hour.
    app.clock.advance(Duration::from_secs(2 * 3600));
    until(&mut station_feed, ReferralEventType::SlaBreached).await;
    let end = now(&app) + chrono::Duration::days(60);

    // The test's own count, from each record read back.
    let mut records = Vec::new();
    for r in [&r1, &r2, &r3, &r4] {
        records.push(read(&app, &station, &r.id).await);
    }
    let follow_ups = app
        .followups(Some(&station.supervisor_key))
        .list_follow_ups(ListFollowUpsRequest {
            page_size: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    let of = |department: &str| -> (Vec<&Referral>, Vec<&FollowUp>) {
        let referrals: Vec<&Referral> = records
            .iter()
            .filter(|r| r.department_id == department)
            .collect();
        let ids: Vec<&str> = referrals.iter().map(|r| r.id.as_str()).collect();
        let follow_ups = follow_ups
            .iter()
            .filter(|f| ids.contains(&f.referral_id.as_str()))
            .collect();
        (referrals, follow_ups)
    };
    let all: Vec<&Referral> = records.iter().collect();
    let all_follow_ups: Vec<&FollowUp> = follow_ups.iter().collect();
    assert_eq!(all_follow_ups.len(), 3, "one done, two after r1's closure");

    let mut reports = app.reports(Some(&station.supervisor_key));
    let report = reports
        .get_station_report(GetStationReportRequest {
            start_time: ts(start - chrono::Duration::minutes(1)),
            end_time: ts(end),
            department_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    let total = report.total.clone().unwrap();
    assert_eq!(total, expected(&all, &all_follow_ups));
    assert_eq!(
        (
            total.referrals_received,
            total.referrals_accepted,
            total.sla_breaches
        ),
        (4, 2, 1),
        "the scenario as written"
    );
    assert_eq!(report.departments.len(), 2);
    for d in &report.departments {
        let (referrals, follow_ups) = of(&d.department_id);
        assert_eq!(
            d.counts.clone().unwrap(),
            expected(&referrals, &follow_ups),
            "{}",
            d.department_name
        );
    }
    let wang = report
        .caseloads
        .iter()
        .find(|w| w.display_name == "Wang Fang")
        .expect("the worker's caseload");
    assert_eq!(wang.open_cases, 0, "both cases closed");

    // One department asked for; an auditor may read it; a worker may not; nor a bad period.
    let only_b = app
        .reports(Some(&station.auditor_key))
        .get_station_report(GetStationReportRequest {
            start_time: ts(start - chrono::Duration::minutes(1)),
            end_time: ts(end),
            department_id: b.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    let (referrals, follow_ups) = of(&b);
    assert_eq!(only_b.total.unwrap(), expected(&referrals, &follow_ups));
    let by_worker = app
        .reports(Some(&station.worker_key))
        .get_station_report(GetStationReportRequest::default())
        .await;
    assert_eq!(refusal(&by_worker).0, tonic::Code::PermissionDenied);
    let backwards = reports
        .get_station_report(GetStationReportRequest {
            start_time: ts(end),
            end_time: ts(start),
            department_id: String::new(),
        })
        .await;
    assert_eq!(
        refusal(&backwards),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
    // A period before anything happened counts nothing.
    let before = reports
        .get_station_report(GetStationReportRequest {
            start_time: ts(start - chrono::Duration::days(30)),
            end_time: ts(start - chrono::Duration::days(1)),
            department_id: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    assert_eq!(before.total.unwrap().referrals_received, 0);
    assert!(before.departments.is_empty());
}
