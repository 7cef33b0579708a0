//! Consent withdrawn (撤回同意): by the department's HIS or recorded by the station,
//! the case stops where it is, the feed says so, and nothing more can be done to it;
//! a referral made under a justified override has no consent to withdraw.

use crate::support::{
    Station, TestApp, accept, bad_fields, create_referral, e2e, next_event, read_referral, refusal,
    send_referral,
};
use yishe_proto::assessment::{InstrumentResponse, SubmitAssessmentRequest};
use yishe_proto::referral::*;

fn withdraw(referral: &Referral, by: &str, note: &str) -> WithdrawConsentRequest {
    WithdrawConsentRequest {
        referral_id: referral.id.clone(),
        etag: referral.etag.clone(),
        withdrawn_by: by.into(),
        note: note.into(),
    }
}

async fn the_department_withdraws_consent_and_the_case_stops(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let created = create_referral(&app, &station, "c1").await;
    let accepted = accept(&mut supervisor, &created).await;
    let mut feed = his
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();

    let missing_who = his.withdraw_consent(withdraw(&accepted, " ", "")).await;
    assert_eq!(bad_fields(&missing_who.unwrap_err()), ["withdrawn_by"]);

    let withdrawn = his
        .withdraw_consent(withdraw(
            &accepted,
            "patient",
            "家属决定转院，不再需要社工服务",
        ))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(withdrawn.status(), ReferralStatus::Cancelled);
    let withdrawal = withdrawn.consent.clone().unwrap().withdrawal.unwrap();
    assert_eq!(withdrawal.withdrawn_by, "patient");
    assert!(withdrawal.withdraw_time.is_some());
    // The station reads who recorded it; the department sees no credential.
    assert_eq!(withdrawal.recorded_by, "");
    let station_view = read_referral(&app, &station.supervisor_key, &created.id).await;
    let recorded = station_view
        .consent
        .unwrap()
        .withdrawal
        .unwrap()
        .recorded_by;
    assert!(!recorded.is_empty(), "the recording key");
    assert!(withdrawn.end_time.is_some());

    // The feed: created, accepted, then the withdrawal.
    let mut types = Vec::new();
    while types.last() != Some(&ReferralEventType::ConsentWithdrawn) && types.len() < 5 {
        let event = next_event(&mut feed).await;
        if event.referral_id == created.id {
            types.push(event.r#type());
        }
    }
    assert_eq!(
        types,
        [
            ReferralEventType::Created,
            ReferralEventType::Accepted,
            ReferralEventType::ConsentWithdrawn
        ]
    );

    // Nothing more is done: no assessment, no second withdrawal.
    let assessment = app
        .assessments(Some(&station.supervisor_key))
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: created.id.clone(),
            request_id: "after-withdrawal".into(),
            responses: vec![InstrumentResponse {
                instrument_id: "phq9".into(),
                version: 1,
                answers: (1..=9).map(|i| (format!("item{i}"), 0)).collect(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await;
    assert_eq!(refusal(&assessment).0, tonic::Code::FailedPrecondition);
    let again = his
        .withdraw_consent(withdraw(&withdrawn, "patient", ""))
        .await;
    assert_eq!(
        refusal(&again),
        (tonic::Code::FailedPrecondition, "WRONG_STATUS".into())
    );
}

async fn the_station_records_a_withdrawal_the_patient_tells_it(app: TestApp, station: Station) {
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let created = create_referral(&app, &station, "c2").await;
    let withdrawn = supervisor
        .withdraw_consent(withdraw(&created, "guardian (daughter)", ""))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(withdrawn.status(), ReferralStatus::Cancelled);
    // The department reads what happened to its referral.
    let read = read_referral(&app, &station.his_key, &created.id).await;
    let withdrawal = read.consent.unwrap().withdrawal.unwrap();
    assert_eq!(withdrawal.withdrawn_by, "guardian (daughter)");
    assert_eq!(withdrawal.recorded_by, "", "not the station's credential");
    // Another department's HIS does not see it to withdraw.
    let stranger = app
        .referrals(Some(&station.other_his_key))
        .withdraw_consent(withdraw(&withdrawn, "patient", ""))
        .await;
    assert_eq!(
        refusal(&stranger),
        (tonic::Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
}

async fn an_override_has_no_consent_to_withdraw(app: TestApp, station: Station) {
    let mut request = station.referral_request(&station.department, "c3");
    let referral = request.referral.as_mut().unwrap();
    referral.reasons = vec![ReferralReason::ChildProtection as i32];
    let consent = referral.consent.as_mut().unwrap();
    consent.kind = ConsentKind::Overridden as i32;
    consent.given_by = String::new();
    consent.justification = "suspected neglect of a 6-year-old; parents unreachable".into();
    let mut his = app.referrals(Some(&station.his_key));
    let created = send_referral(&mut his, request).await;
    let refused = his.withdraw_consent(withdraw(&created, "mother", "")).await;
    assert_eq!(
        refusal(&refused),
        (tonic::Code::FailedPrecondition, "CONSENT_NOT_GIVEN".into())
    );
    let still = read_referral(&app, &station.his_key, &created.id).await;
    assert_eq!(still.status(), ReferralStatus::Requested);
    assert_eq!(still.etag, created.etag, "nothing changed");
}

e2e!(
    the_department_withdraws_consent_and_the_case_stops,
    the_station_records_a_withdrawal_the_patient_tells_it,
    an_override_has_no_consent_to_withdraw,
);
