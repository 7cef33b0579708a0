//! A referral read by the station shows the patient's other cases there: open ones
//! (a second open one for a shared reason marked a possible duplicate), and those
//! ended or flagged within the history period; never to the department, never across
//! patients, and audited as what was shown.

use std::time::Duration;

use crate::support::{
    Station, TestApp, accept, audit_of, create_referral, e2e, read_referral, send_referral,
    withdrawal,
};
use yishe_proto::referral::*;

async fn read(app: &TestApp, key: &str, referral: &Referral) -> Referral {
    read_referral(app, key, &referral.id).await
}

async fn the_station_sees_the_patients_other_cases(app: TestApp, station: Station) {
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let first = create_referral(&app, &station, "h1").await;
    let first = accept(&mut supervisor, &first).await;
    let second = create_referral(&app, &station, "h2").await;
    let mut other = station.referral_request(&station.department, "h3");
    other
        .referral
        .as_mut()
        .unwrap()
        .patient
        .as_mut()
        .unwrap()
        .his_patient_id = "MRN-777".into();
    let stranger = send_referral(&mut app.referrals(Some(&station.his_key)), other).await;

    // The station, reading the second referral, sees the first: open, same reasons.
    let seen = read(&app, &station.supervisor_key, &second).await;
    assert_eq!(seen.patient_history.len(), 1);
    let link = &seen.patient_history[0];
    assert_eq!(link.referral_id, first.id);
    assert_eq!(link.status(), ReferralStatus::Accepted);
    assert!(link.possible_duplicate, "open, for a shared reason");
    assert!(link.end_time.is_none());

    // A social worker sees only the cases they could open: assigned to a colleague,
    // the first is not theirs to see beside the second (still in the inbox).
    assert_eq!(
        read(&app, &station.worker_key, &second)
            .await
            .patient_history
            .len(),
        1,
        "unassigned: in the inbox"
    );
    supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: first.id.clone(),
            etag: first.etag.clone(),
            social_worker_id: station.junior_worker.clone(),
        })
        .await
        .unwrap();
    assert!(
        read(&app, &station.worker_key, &second)
            .await
            .patient_history
            .is_empty()
    );
    assert_eq!(
        read(&app, &station.junior_key, &second)
            .await
            .patient_history
            .len(),
        1
    );

    // The department never sees it; another patient's referral shows nothing.
    assert!(
        read(&app, &station.his_key, &second)
            .await
            .patient_history
            .is_empty()
    );
    assert!(
        read(&app, &station.supervisor_key, &stranger)
            .await
            .patient_history
            .is_empty()
    );

    // What was shown is audited, naming the case shown.
    let audit = audit_of(&app, &station, &first.id, "referral.history").await;
    assert_eq!(
        audit.len(),
        3,
        "the supervisor's, the worker's and the junior's reads"
    );
    assert_eq!(audit[0].resource_ids, vec![first.id.clone()]);

    // Once closed it is history, not a duplicate; past the period it is gone.
    let now = read(&app, &station.his_key, &first).await;
    app.referrals(Some(&station.his_key))
        .cancel_referral(withdrawal(&now, "transferred"))
        .await
        .unwrap();
    let seen = read(&app, &station.supervisor_key, &second).await;
    let link = &seen.patient_history[0];
    assert_eq!(link.status(), ReferralStatus::Cancelled);
    assert!(!link.possible_duplicate);
    assert!(link.end_time.is_some());
    app.clock.advance(Duration::from_secs(366 * 24 * 3600));
    let later = read(&app, &station.supervisor_key, &second).await;
    assert!(
        later.patient_history.is_empty(),
        "{:?}",
        later.patient_history
    );
}

e2e!(the_station_sees_the_patients_other_cases);
