//! Every refusal an integrator can meet, with its code.

use crate::support::{
    Station, TestApp, accept, bad_fields, code, create_referral, e2e, error_metadata, referral_of,
    refusal, refused, send_referral,
};
use yishe_proto::common::Priority;
use yishe_proto::directory::{ListApiKeysRequest, RevokeApiKeyRequest};
use yishe_proto::referral::*;

async fn a_resent_referral_is_never_created_twice(app: TestApp, station: Station) {
    let first = create_referral(&app, &station, "msg-42").await;
    let again = create_referral(&app, &station, "msg-42").await;
    assert_eq!(again.id, first.id);
    assert_eq!(again.etag, first.etag);

    // The same id with a different payload is refused.
    let mut changed = station.referral_request(&station.department, "msg-42");
    changed.referral.as_mut().unwrap().note = "something else".into();
    let refused = app
        .referrals(Some(&station.his_key))
        .create_referral(changed)
        .await;
    assert_eq!(
        refusal(&refused),
        (tonic::Code::AlreadyExists, "REQUEST_ID_REUSED".into())
    );
    assert_eq!(
        error_metadata(&refused, "referral_id"),
        Some(first.id.clone()),
        "the sender may read the referral its id made, so it is told which"
    );

    // Twenty replays at once still make exactly one.
    let mut calls = Vec::new();
    for _ in 0..20 {
        let mut client = app.referrals(Some(&station.his_key));
        let request = station.referral_request(&station.department, "burst");
        calls.push(tokio::spawn(async move {
            send_referral(&mut client, request).await.id
        }));
    }
    let mut ids = Vec::new();
    for call in calls {
        ids.push(call.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    let all = app
        .referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.referrals.len(), 2);
}

async fn a_stale_etag_is_aborted(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let mut worker = app.referrals(Some(&station.worker_key));
    worker
        .accept_referral(AcceptReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
        })
        .await
        .unwrap();
    let stale = app
        .referrals(Some(&station.supervisor_key))
        .hold_referral(HoldReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
            note: "n".into(),
        })
        .await;
    assert_eq!(refusal(&stale), (tonic::Code::Aborted, "STALE_ETAG".into()));
}

async fn a_forbidden_transition_fails_its_precondition(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let mut worker = app.referrals(Some(&station.worker_key));
    let resumed = worker
        .resume_referral(ResumeReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
            note: String::new(),
        })
        .await;
    assert_eq!(
        refusal(&resumed),
        (tonic::Code::FailedPrecondition, "WRONG_STATUS".into())
    );
    assert_eq!(error_metadata(&resumed, "status"), Some("REQUESTED".into()));
    assert_eq!(error_metadata(&resumed, "command"), Some("RESUME".into()));
    // Nothing changed.
    let now = referral_of(&mut worker, &created.id).await;
    assert_eq!(now.status(), ReferralStatus::Requested);
    assert_eq!(now.etag, created.etag);
}

async fn missing_and_malformed_fields_are_named(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut request = station.referral_request(&station.department, "m1");
    {
        let r = request.referral.as_mut().unwrap();
        r.patient.as_mut().unwrap().name.clear();
        r.priority = Priority::Unspecified as i32;
        r.reasons.push(999);
        r.consent = None;
    }
    let status = his.create_referral(request).await.unwrap_err();
    assert_eq!(
        refused(&status),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
    let fields = bad_fields(&status);
    for field in [
        "referral.patient.name",
        "referral.priority",
        "referral.reasons[2]",
        "referral.consent",
    ] {
        assert!(
            fields.contains(&field.to_string()),
            "{field} not in {fields:?}"
        );
    }
    assert!(
        !status.message().contains("陈建国"),
        "errors never echo patient data"
    );

    let bad_id = his
        .get_referral(GetReferralRequest {
            referral_id: "nope".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        refused(&bad_id),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
    assert_eq!(bad_fields(&bad_id), vec!["referral_id".to_string()]);

    let created = create_referral(&app, &station, "m2").await;
    let no_reason = app
        .referrals(Some(&station.supervisor_key))
        .reject_referral(RejectReferralRequest {
            referral_id: created.id,
            etag: created.etag,
            reason: 0,
            note: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&no_reason), vec!["reason".to_string()]);
}

async fn consent_is_required_unless_justified(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut request = station.referral_request(&station.department, "m1");
    request
        .referral
        .as_mut()
        .unwrap()
        .consent
        .as_mut()
        .unwrap()
        .kind = ConsentKind::Overridden as i32;
    request
        .referral
        .as_mut()
        .unwrap()
        .consent
        .as_mut()
        .unwrap()
        .justification = "no family reachable".into();
    let refused = his.create_referral(request.clone()).await.unwrap_err();
    assert!(bad_fields(&refused).contains(&"referral.consent.kind".to_string()));

    request
        .referral
        .as_mut()
        .unwrap()
        .reasons
        .push(ReferralReason::ChildProtection as i32);
    let created = send_referral(&mut his, request).await;
    assert_eq!(created.consent.unwrap().kind(), ConsentKind::Overridden);
}

async fn an_his_key_stays_within_its_departments(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let mut other = app.referrals(Some(&station.other_his_key));
    let read = other
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&read),
        (tonic::Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
    let cancel = other
        .cancel_referral(CancelReferralRequest {
            referral_id: created.id,
            etag: created.etag,
            note: "x".into(),
            kind: CancelKind::Withdraw as i32,
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&cancel),
        (tonic::Code::NotFound, "REFERRAL_NOT_FOUND".into())
    );
    let foreign = other
        .create_referral(station.referral_request(&station.department, "m2"))
        .await;
    assert_eq!(
        refusal(&foreign),
        (
            tonic::Code::PermissionDenied,
            "DEPARTMENT_NOT_ALLOWED".into()
        )
    );
}

async fn callers_without_a_valid_key_are_unauthenticated(app: TestApp, station: Station) {
    for key in [None, Some("ysk_0000"), Some("not-even-a-key")] {
        let result = app
            .referrals(key)
            .list_referrals(ListReferralsRequest::default())
            .await;
        let (code, reason) = refusal(&result);
        assert_eq!(code, tonic::Code::Unauthenticated, "key {key:?}");
        assert!(reason.starts_with("CREDENTIALS_"), "key {key:?}: {reason}");
    }
    // A revoked key stops working at once, though it was just used (and remembered).
    app.referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest::default())
        .await
        .unwrap();
    let mut admin = app.directory(Some(&station.admin_key));
    let keys = admin
        .list_api_keys(ListApiKeysRequest::default())
        .await
        .unwrap()
        .into_inner()
        .api_keys;
    let supervisor = keys
        .iter()
        .find(|k| k.display_name == "ROLE_SUPERVISOR key")
        .unwrap();
    admin
        .revoke_api_key(RevokeApiKeyRequest {
            api_key_id: supervisor.id.clone(),
        })
        .await
        .unwrap();
    let result = app
        .referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest::default())
        .await;
    assert_eq!(
        refusal(&result),
        (tonic::Code::Unauthenticated, "CREDENTIALS_UNKNOWN".into())
    );
}

async fn assignments_follow_the_rules(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    let mut request = station.referral_request(&station.department, "child");
    request.referral.as_mut().unwrap().reasons = vec![ReferralReason::ChildProtection as i32];
    let created = send_referral(&mut his, request).await;

    let early = supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
            social_worker_id: station.worker.clone(),
        })
        .await;
    assert_eq!(
        refusal(&early),
        (tonic::Code::FailedPrecondition, "WRONG_STATUS".into()),
        "accept before assigning"
    );

    let accepted = accept(&mut supervisor, &created).await;
    let junior = supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag.clone(),
            social_worker_id: station.junior_worker.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        refused(&junior),
        (
            tonic::Code::FailedPrecondition,
            "CERTIFICATION_TOO_LOW".into()
        )
    );
    assert!(junior.message().contains("intermediate"));
    let nobody = supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag.clone(),
            social_worker_id: "01890000-0000-7000-8000-000000000000".into(),
        })
        .await;
    assert_eq!(
        refusal(&nobody),
        (tonic::Code::NotFound, "SOCIAL_WORKER_NOT_FOUND".into())
    );
    let by_worker = app
        .referrals(Some(&station.worker_key))
        .assign_referral(AssignReferralRequest {
            referral_id: created.id.clone(),
            etag: accepted.etag.clone(),
            social_worker_id: station.worker.clone(),
        })
        .await;
    assert_eq!(
        refusal(&by_worker),
        (tonic::Code::PermissionDenied, "ROLE_NOT_ALLOWED".into())
    );
    let ok = supervisor
        .assign_referral(AssignReferralRequest {
            referral_id: created.id,
            etag: accepted.etag,
            social_worker_id: station.worker.clone(),
        })
        .await;
    assert_eq!(code(&ok), tonic::Code::Ok);
}

/// The message of an error in the caller's language: Chinese for an `accept-language`
/// that prefers it, filled in with what the `ErrorInfo` says; English otherwise.
async fn errors_speak_the_callers_language(app: TestApp, station: Station) {
    use tonic_types::StatusExt;
    let created = create_referral(&app, &station, "m1").await;
    let resume = |language: Option<&str>| {
        let mut request = tonic::Request::new(ResumeReferralRequest {
            referral_id: created.id.clone(),
            etag: created.etag.clone(),
            note: String::new(),
        });
        if let Some(language) = language {
            request
                .metadata_mut()
                .insert("accept-language", language.parse().unwrap());
        }
        request
    };
    let mut worker = app.referrals(Some(&station.worker_key));
    let chinese = worker
        .resume_referral(resume(Some("zh-CN,zh;q=0.9,en;q=0.8")))
        .await
        .unwrap_err();
    let localized = chinese.get_details_localized_message().unwrap();
    assert_eq!(localized.locale, "zh-CN");
    assert!(
        localized.message.contains("待接收（REQUESTED）") && localized.message.contains("状态"),
        "{}",
        localized.message
    );
    assert!(
        chinese.message().is_ascii(),
        "the status message stays English"
    );

    let english = worker.resume_referral(resume(None)).await.unwrap_err();
    let localized = english.get_details_localized_message().unwrap();
    assert_eq!(localized.locale, "en-US");
    assert_eq!(localized.message, english.message());
}

/// A message over the decoding limit is RESOURCE_EXHAUSTED with its reason and the
/// limit, not the transport's OUT_OF_RANGE; a filter of thousands of terms is refused
/// with one violation.
async fn oversized_input_is_refused_plainly(app: TestApp, station: Station) {
    let mut huge = station.referral_request(&station.department, "huge");
    huge.referral.as_mut().unwrap().note = "x".repeat(5 * 1024 * 1024);
    let refused = app
        .referrals(Some(&station.his_key))
        .create_referral(huge)
        .await;
    assert_eq!(
        refusal(&refused),
        (tonic::Code::ResourceExhausted, "MESSAGE_TOO_LARGE".into())
    );
    assert_eq!(
        error_metadata(&refused, "limit_bytes"),
        Some((4 * 1024 * 1024).to_string())
    );

    let filter = vec!["status=REQUESTED"; 170_000].join(" AND ");
    let listed = app
        .referrals(Some(&station.supervisor_key))
        .list_referrals(ListReferralsRequest {
            filter,
            ..Default::default()
        })
        .await;
    assert_eq!(
        refusal(&listed),
        (tonic::Code::InvalidArgument, "INVALID_FIELDS".into())
    );
    assert_eq!(bad_fields(&listed.unwrap_err()), ["filter"]);
}

/// Request ids are the hospital's, not a key's: after a key rotation (or from a second
/// HIS node with a key of its own) a resend finds the first referral; with another
/// payload it is refused, naming the first, which the new key may read.
async fn a_resend_under_a_new_key_finds_the_first(app: TestApp, station: Station) {
    let first = create_referral(&app, &station, "his-0001").await;
    let rotated = station.another_his_key(&app, "oncology HIS, node 2").await;
    let mut node2 = app.referrals(Some(&rotated));
    let again = send_referral(
        &mut node2,
        station.referral_request(&station.department, "his-0001"),
    )
    .await;
    assert_eq!(again.id, first.id, "no second referral");

    let mut changed = station.referral_request(&station.department, "his-0001");
    changed.referral.as_mut().unwrap().note = "another payload".into();
    let refused = node2.create_referral(changed).await;
    assert_eq!(
        refusal(&refused),
        (tonic::Code::AlreadyExists, "REQUEST_ID_REUSED".into())
    );
    assert_eq!(error_metadata(&refused, "referral_id"), Some(first.id));
}

e2e!(
    a_resent_referral_is_never_created_twice,
    a_resend_under_a_new_key_finds_the_first,
    a_stale_etag_is_aborted,
    a_forbidden_transition_fails_its_precondition,
    missing_and_malformed_fields_are_named,
    consent_is_required_unless_justified,
    an_his_key_stays_within_its_departments,
    callers_without_a_valid_key_are_unauthenticated,
    assignments_follow_the_rules,
    errors_speak_the_callers_language,
    oversized_input_is_refused_plainly,
);
