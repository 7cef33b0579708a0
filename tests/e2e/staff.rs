//! A social worker who leaves: deactivated in the directory, their API key and their
//! staff token stop working at once (the next call, in the process that deactivated
//! them), and work again if they return; one on leave takes no new case, and their
//! open work moves to a colleague in one call.

use yishe_proto::directory::{ListSocialWorkersRequest, SocialWorker, UpdateSocialWorkerRequest};
use yishe_proto::referral::ListReferralsRequest;

use crate::support::{Station, TestApp, e2e, refusal};

e2e!(
    a_deactivated_workers_key_and_token_stop_at_once,
    a_worker_on_leave_hands_over_in_one_call,
);

/// Changes the seeded worker's field `path` as `edit` says, as the station admin does.
async fn update_worker(
    app: &TestApp,
    station: &Station,
    path: &str,
    edit: impl FnOnce(SocialWorker) -> SocialWorker,
) {
    let mut directory = app.directory(Some(&station.admin_key));
    let worker = directory
        .list_social_workers(ListSocialWorkersRequest {
            include_inactive: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .social_workers
        .into_iter()
        .find(|w| w.id == station.worker)
        .expect("the seeded worker");
    directory
        .update_social_worker(UpdateSocialWorkerRequest {
            social_worker: Some(edit(worker)),
            update_mask: Some(prost_types::FieldMask {
                paths: vec![path.into()],
            }),
        })
        .await
        .expect("updated");
}

async fn set_active(app: &TestApp, station: &Station, active: bool) {
    update_worker(app, station, "active", |w| SocialWorker { active, ..w }).await;
}

async fn set_on_leave(app: &TestApp, station: &Station, on_leave: bool) {
    update_worker(app, station, "on_leave", |w| SocialWorker { on_leave, ..w }).await;
}

async fn a_deactivated_workers_key_and_token_stop_at_once(app: TestApp, station: Station) {
    use yishe_proto::directory::Role;
    let token = station.token(Role::SocialWorker);
    let list = |key: String| {
        let app = &app;
        async move {
            app.referrals(Some(&key))
                .list_referrals(ListReferralsRequest::default())
                .await
        }
    };
    assert!(list(station.worker_key.clone()).await.is_ok());
    assert!(list(token.clone()).await.is_ok());

    set_active(&app, &station, false).await;
    assert_eq!(
        refusal(&list(station.worker_key.clone()).await),
        (tonic::Code::Unauthenticated, "CREDENTIALS_UNKNOWN".into()),
        "the key stops at once"
    );
    assert_eq!(
        refusal(&list(token.clone()).await),
        (tonic::Code::Unauthenticated, "CREDENTIALS_REJECTED".into()),
        "the token stops at once"
    );
    // Another worker's key is not touched.
    assert!(list(station.junior_key.clone()).await.is_ok());

    set_active(&app, &station, true).await;
    assert!(list(station.worker_key.clone()).await.is_ok());
    assert!(list(token).await.is_ok());
}

/// A worker goes on leave with two open cases, a follow-up and a supervised task
/// waiting: no new case for them; the supervisors' list shows their work; one call
/// moves it all to a colleague (an ASSIGNED event per case); the list empties.
async fn a_worker_on_leave_hands_over_in_one_call(app: TestApp, station: Station) {
    use yishe_proto::common::Priority;
    use yishe_proto::followup::{
        Channel, FollowUp, ListFollowUpsRequest, Purpose, ScheduleFollowUpRequest,
    };
    use yishe_proto::referral::*;
    use yishe_testserver::feed::{events_until as until, watch};

    let first = station
        .assigned_referral(&app, "leave-1", Priority::Routine)
        .await;
    let second = station
        .assigned_referral(&app, "leave-2", Priority::Routine)
        .await;
    let due = yishe_domain::Clock::now(app.clock.as_ref()) + chrono::Duration::days(2);
    let follow_up = app
        .followups(Some(&station.worker_key))
        .schedule_follow_up(ScheduleFollowUpRequest {
            request_id: "leave-f1".into(),
            follow_up: Some(FollowUp {
                referral_id: first.id.clone(),
                purpose: Purpose::CheckIn as i32,
                channel: Channel::Phone as i32,
                due_time: Some(prost_types::Timestamp {
                    seconds: due.timestamp(),
                    nanos: 0,
                }),
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner()
        .follow_up
        .unwrap();
    set_on_leave(&app, &station, true).await;

    // No new case for a worker on leave.
    let third = station.referral_request(&station.department, "leave-3");
    let created = app
        .referrals(Some(&station.his_key))
        .create_referral(third)
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let accepted = supervisor
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag,
        })
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    let refused = supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: accepted.id,
            etag: accepted.etag,
            social_worker_id: station.worker.clone(),
        })
        .await;
    assert_eq!(
        refusal(&refused),
        (
            tonic::Code::FailedPrecondition,
            "SOCIAL_WORKER_ON_LEAVE".into()
        )
    );

    // The supervisors' list shows what waits on them; nobody else may read it.
    let waiting = supervisor
        .list_reassignments(ListReassignmentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .reassignments;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].social_worker_id, station.worker);
    assert!(waiting[0].on_leave && waiting[0].active);
    assert_eq!(
        waiting[0].referral_ids,
        [first.id.clone(), second.id.clone()]
    );
    assert_eq!(
        waiting[0].follow_up_ids,
        std::slice::from_ref(&follow_up.follow_up_id)
    );
    let by_worker = app
        .referrals(Some(&station.junior_key))
        .list_reassignments(ListReassignmentsRequest {})
        .await;
    assert_eq!(refusal(&by_worker).0, tonic::Code::PermissionDenied);

    // One call moves it all; each case is an assignment the feed tells.
    let mut feed = watch(&app, &station.supervisor_key).await;
    let same = supervisor
        .reassign_work(ReassignWorkRequest {
            from_social_worker_id: station.worker.clone(),
            to_social_worker_id: station.worker.clone(),
        })
        .await;
    assert_eq!(refusal(&same).0, tonic::Code::InvalidArgument);
    let moved = supervisor
        .reassign_work(ReassignWorkRequest {
            from_social_worker_id: station.worker.clone(),
            to_social_worker_id: station.junior_worker.clone(),
        })
        .await
        .expect("moved")
        .into_inner();
    assert_eq!(moved.referrals.len(), 2);
    assert!(
        moved
            .referrals
            .iter()
            .all(|r| r.assigned_worker_id == station.junior_worker)
    );
    assert_eq!(moved.follow_ups_moved, 1);
    let mut assigned = 0;
    while assigned < 2 {
        let seen = until(&mut feed, ReferralEventType::Assigned).await;
        assigned += seen
            .iter()
            .filter(|e| e.r#type() == ReferralEventType::Assigned)
            .count();
    }
    let follow_ups = app
        .followups(Some(&station.junior_key))
        .list_follow_ups(ListFollowUpsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .follow_ups;
    assert!(
        follow_ups
            .iter()
            .any(|f| f.follow_up_id == follow_up.follow_up_id
                && f.assignee_worker_id == station.junior_worker),
        "{follow_ups:?}"
    );
    let after = supervisor
        .list_reassignments(ListReassignmentsRequest {})
        .await
        .unwrap()
        .into_inner()
        .reassignments;
    assert!(after.is_empty(), "{after:?}");
}
