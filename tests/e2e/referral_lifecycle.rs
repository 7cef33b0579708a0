//! The whole lifecycle of a referral as an HIS and the station live it.

use crate::support::{
    Station, TestApp, accept, create_referral, e2e, referral_of, refusal, withdrawal,
};
use yishe_proto::referral::*;

async fn from_intake_to_cancellation(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut worker = app.referrals(Some(&station.worker_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));

    let created = create_referral(&app, &station, "his-msg-1").await;
    assert_eq!(created.status(), ReferralStatus::Requested);
    assert_eq!(created.station_id, "s1", "the default station");
    let create = created.create_time.unwrap();
    let deadline = created.acceptance_deadline.unwrap();
    assert_eq!(
        deadline.seconds - create.seconds,
        24 * 3600,
        "URGENT: 24 hours"
    );
    assert_eq!(created.patient.as_ref().unwrap().name, "陈建国");

    // Both sides read the same referral.
    let read = his
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.referral.as_ref(), Some(&created));
    let inbox = worker
        .list_referrals(ListReferralsRequest {
            filter: "status=REQUESTED".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        inbox.referrals.iter().map(|r| &r.id).collect::<Vec<_>>(),
        vec![&created.id]
    );

    // The station takes it (接单) and a supervisor assigns it.
    let accepted = worker
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(accepted.status(), ReferralStatus::Accepted);
    assert_ne!(accepted.etag, created.etag);
    let assigned = supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag.clone(),
            social_worker_id: station.worker.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(assigned.assigned_worker_id, station.worker);
    assert_eq!(assigned.assigned_worker_name, "Wang Fang");

    // The assigned worker pauses and resumes the case.
    let held = worker
        .hold_referral(HoldReferralRequest {
            referral_id: created.id.clone(),
            etag: assigned.etag.clone(),
            note: "patient transferred to ICU".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(held.status(), ReferralStatus::OnHold);
    assert_eq!(
        held.status_reason.as_ref().unwrap().note,
        "patient transferred to ICU"
    );
    let resumed = worker
        .resume_referral(ResumeReferralRequest {
            referral_id: created.id.clone(),
            etag: held.etag.clone(),
            note: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(resumed.status(), ReferralStatus::InProgress);

    // The department follows the case but not the station's working notes or ids.
    let seen_by_department = referral_of(&mut his, &created.id).await;
    assert_eq!(seen_by_department.status(), ReferralStatus::InProgress);
    assert_eq!(seen_by_department.assigned_worker_name, "Wang Fang");
    assert_eq!(seen_by_department.assigned_worker_id, "");
    let held_as_seen = his
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(
        held_as_seen
            .referrals
            .iter()
            .all(|r| r.assigned_worker_id.is_empty())
    );

    // Another social worker no longer sees it once it is someone's case.
    let mut junior = app.referrals(Some(&station.junior_key));
    let hidden = junior
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&hidden),
        (tonic::Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );

    // The department withdraws it; a closed referral never moves again.
    let cancelled = his
        .cancel_referral(withdrawal(&resumed, "patient discharged home"))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(cancelled.status(), ReferralStatus::Cancelled);
    let again = supervisor
        .hold_referral(HoldReferralRequest {
            referral_id: created.id.clone(),
            etag: cancelled.etag.clone(),
            note: "x".into(),
        })
        .await;
    assert_eq!(
        refusal(&again),
        (tonic::Code::FailedPrecondition, "WRONG_STATUS".into())
    );
}

async fn a_station_rejects_and_the_department_retracts(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));

    let first = create_referral(&app, &station, "m-reject").await;
    let rejected = supervisor
        .reject_referral(RejectReferralRequest {
            referral_id: first.id.clone(),
            etag: first.etag.clone(),
            reason: RejectionReason::NoCapacity as i32,
            note: "please refer to the district station".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(rejected.status(), ReferralStatus::Rejected);
    assert_eq!(
        rejected.status_reason.unwrap().rejection_reason(),
        RejectionReason::NoCapacity
    );

    let second = create_referral(&app, &station, "m-retract").await;
    // Only the department may retract, and only while REQUESTED.
    let by_station = supervisor
        .cancel_referral(CancelReferralRequest {
            referral_id: second.id.clone(),
            etag: second.etag.clone(),
            note: "wrong patient".into(),
            kind: CancelKind::EnteredInError as i32,
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&by_station),
        (tonic::Code::PermissionDenied, "ROLE_NOT_ALLOWED".into())
    );
    // Existing HIS clients still send the deprecated flag: it means the same.
    #[allow(deprecated)]
    let retract = CancelReferralRequest {
        referral_id: second.id.clone(),
        etag: second.etag.clone(),
        note: "wrong patient".into(),
        entered_in_error: true,
        kind: 0,
    };
    let retracted = his
        .cancel_referral(retract)
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(retracted.status(), ReferralStatus::EnteredInError);
}

async fn lists_page_through_what_the_caller_may_see(app: TestApp, station: Station) {
    for i in 0..5 {
        create_referral(&app, &station, &format!("m{i}")).await;
    }
    let mut other = app.referrals(Some(&station.other_his_key));
    other
        .create_referral(station.referral_request(&station.other_department, "ped-1"))
        .await
        .unwrap();

    let mut his = app.referrals(Some(&station.his_key));
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = his
            .list_referrals(ListReferralsRequest {
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.referrals.len() <= 2);
        seen.extend(
            page.referrals
                .into_iter()
                .map(|r| (r.request_id, r.department_id)),
        );
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let expected: Vec<_> = (0..5)
        .rev()
        .map(|i| (format!("m{i}"), station.department.clone()))
        .collect();
    assert_eq!(
        seen, expected,
        "newest first, own department only, nothing twice"
    );

    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let all = supervisor
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.referrals.len(), 6);
    let bad = supervisor
        .list_referrals(ListReferralsRequest {
            filter: "colour=red".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&bad),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
}

/// A case on hold can be withdrawn: the patient moved to another hospital while the
/// station waited.
async fn a_referral_on_hold_can_be_cancelled(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "held-1").await;
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let accepted = accept(&mut supervisor, &created).await;
    let held = supervisor
        .hold_referral(HoldReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag,
            note: "patient transferred".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(held.status(), ReferralStatus::OnHold);
    let cancelled = app
        .referrals(Some(&station.his_key))
        .cancel_referral(withdrawal(&held, "moved to another hospital"))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(cancelled.status(), ReferralStatus::Cancelled);
}

e2e!(
    from_intake_to_cancellation,
    a_referral_on_hold_can_be_cancelled,
    a_station_rejects_and_the_department_retracts,
    lists_page_through_what_the_caller_may_see,
);
