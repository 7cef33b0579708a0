//! The audit log as an auditor sees it: every access and every refusal recorded,
//! sealed into a hash chain within seconds, verifiable, exportable, and an edit made
//! behind Yishe's back pinpointed.

use std::time::Duration;

use crate::support::{Station, TestApp, create_referral, e2e};
use tokio_stream::StreamExt;
use yishe_proto::audit::*;
use yishe_proto::directory::ListApiKeysRequest;
use yishe_proto::referral::{GetReferralRequest, ListReferralsRequest};
use yishe_testserver::Directory;

type Audit = audit_service_client::AuditServiceClient<
    tonic::service::interceptor::InterceptedService<
        tonic::transport::Channel,
        yishe_proto::client::Bearer,
    >,
>;

fn auditor(app: &TestApp, station: &Station) -> Audit {
    let bearer = yishe_proto::client::Bearer::new(Some(&station.auditor_key)).unwrap();
    audit_service_client::AuditServiceClient::with_interceptor(app.channel.clone(), bearer)
}

/// Verifies until every record is sealed (the sealer runs every half second).
async fn verify_sealed(audit: &mut Audit) -> VerifyAuditChainResponse {
    for _ in 0..40 {
        let v = audit
            .verify_audit_chain(VerifyAuditChainRequest::default())
            .await
            .unwrap()
            .into_inner();
        // The verify call itself adds one unsealed row each time.
        if v.unsealed_records <= 1 || !v.intact {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the audit log was not sealed within 10 s");
}

async fn records(audit: &mut Audit, kind: &str, id: &str) -> Vec<AuditRecord> {
    audit
        .list_audit_records(ListAuditRecordsRequest {
            page_size: 1000,
            resource_kind: kind.into(),
            resource_id: id.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .records
}

async fn every_access_is_recorded_and_sealed(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let mut his = app.referrals(Some(&station.his_key));
    his.get_referral(GetReferralRequest {
        referral_id: created.id.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut other = app.referrals(Some(&station.other_his_key));
    let _ = other
        .get_referral(GetReferralRequest {
            referral_id: created.id.clone(),
            ..Default::default()
        })
        .await;

    let mut audit = auditor(&app, &station);
    let v = verify_sealed(&mut audit).await;
    assert!(v.intact, "{v:?}");
    assert!(v.verified_records >= 3);
    assert_eq!(v.head_hash.len(), 64);

    let about = records(&mut audit, "referral", &created.id).await;
    let seen: Vec<_> = about
        .iter()
        .map(|r| (r.role.as_str(), r.action.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("his_integration", "referral.create", "ok"),
            ("his_integration", "referral.get", "ok"),
            ("his_integration", "referral.get", "not_found"),
        ]
    );
    assert!(
        about.iter().all(|r| r.sequence > 0 && r.hash.len() == 64),
        "all sealed"
    );
    assert!(
        about
            .iter()
            .all(|r| !r.subject.is_empty() && !r.request_id.is_empty())
    );
}

async fn refused_calls_and_audit_reads_are_recorded(app: TestApp, station: Station) {
    let mut directory: Directory = app.directory(Some(&station.his_key));
    let _ = directory.list_api_keys(ListApiKeysRequest::default()).await;
    let _ = app
        .referrals(None)
        .list_referrals(ListReferralsRequest::default())
        .await;
    let mut audit = auditor(&app, &station);
    audit
        .verify_audit_chain(VerifyAuditChainRequest::default())
        .await
        .unwrap();

    let all = records(&mut audit, "", "").await;
    let denied = all
        .iter()
        .find(|r| r.action == "/yishe.directory.v1.DirectoryService/ListApiKeys")
        .expect("the refused call is audited");
    assert_eq!(
        (denied.role.as_str(), denied.outcome.as_str()),
        ("his_integration", "permission_denied")
    );
    let anonymous = all
        .iter()
        .find(|r| r.action == "/yishe.referral.v1.ReferralService/ListReferrals")
        .expect("the call without a key is audited");
    assert_eq!(
        (anonymous.subject.as_str(), anonymous.outcome.as_str()),
        ("anonymous", "unauthenticated")
    );
    assert!(
        all.iter()
            .any(|r| r.action == "audit.verify" && r.role == "auditor")
    );
    assert!(
        all.iter()
            .any(|r| r.action == "audit.list" && r.role == "auditor")
    );
}

/// A list is one audit record naming every referral it showed, in order: found from
/// each of them, and sealed into the chain like any other.
async fn a_list_is_one_record_naming_every_referral_shown(app: TestApp, station: Station) {
    let first = create_referral(&app, &station, "m1").await;
    let second = create_referral(&app, &station, "m2").await;
    let shown: Vec<String> = app
        .referrals(Some(&station.his_key))
        .list_referrals(ListReferralsRequest {
            page_size: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .referrals
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(shown.len(), 2);

    let mut audit = auditor(&app, &station);
    assert!(verify_sealed(&mut audit).await.intact);
    for referral in [&first, &second] {
        let lists: Vec<_> = records(&mut audit, "referral", &referral.id)
            .await
            .into_iter()
            .filter(|r| r.action == "referral.list")
            .collect();
        assert_eq!(lists.len(), 1, "one list record names {}", referral.id);
        assert_eq!(lists[0].resource_ids, shown);
        assert_eq!(lists[0].resource_id, "");
        assert!(lists[0].sequence > 0, "sealed");
    }
}

async fn the_export_streams_the_chain_in_order(app: TestApp, station: Station) {
    for i in 0..3 {
        create_referral(&app, &station, &format!("m{i}")).await;
    }
    let mut audit = auditor(&app, &station);
    let v = verify_sealed(&mut audit).await;
    let mut stream = audit
        .export_audit_records(ExportAuditRecordsRequest {
            after_sequence: 0,
            to_sequence: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let mut exported: Vec<AuditRecord> = Vec::new();
    let mut checkpoints = 0;
    while let Some(item) = stream.next().await {
        let item = item.unwrap();
        match (item.record, item.checkpoint) {
            (Some(record), None) => exported.push(record),
            // A checkpoint comes right after the record it anchors, with its hash.
            (None, Some(checkpoint)) => {
                let anchored = exported.last().expect("a record before its checkpoint");
                assert_eq!(
                    (checkpoint.sequence, &checkpoint.head_hash),
                    (anchored.sequence, &anchored.hash)
                );
                checkpoints += 1;
            }
            other => panic!("exactly one of record and checkpoint: {other:?}"),
        }
    }
    assert!(exported.len() as u64 >= v.verified_records);
    assert!(
        checkpoints >= 1,
        "the sealer anchors the head it first seals"
    );
    for (i, r) in exported.iter().enumerate() {
        assert_eq!(r.sequence, i as u64 + 1);
        if i > 0 {
            assert_eq!(r.previous_hash, exported[i - 1].hash);
        }
    }
    let window: Vec<_> = audit
        .export_audit_records(ExportAuditRecordsRequest {
            after_sequence: 1,
            to_sequence: 2,
        })
        .await
        .unwrap()
        .into_inner()
        .filter_map(|r| r.unwrap().record.map(|r| r.sequence))
        .collect()
        .await;
    assert_eq!(window, vec![2]);
}

async fn an_edit_behind_yishes_back_is_pinpointed(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let mut audit = auditor(&app, &station);
    assert!(verify_sealed(&mut audit).await.intact);
    let target = records(&mut audit, "referral", &created.id).await.remove(0);

    let edit = "UPDATE audit_log SET subject = 'someone-else' WHERE action = 'referral.create'";
    app.db
        .execute(&[&app.db.allow_edits_to("audit_log"), edit])
        .await
        .unwrap();
    let v = audit
        .verify_audit_chain(VerifyAuditChainRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(!v.intact);
    assert_eq!(v.first_broken_sequence, target.sequence);
    assert_eq!(v.first_broken_record_id, target.id);
    assert!(v.problem.contains("changed"), "{}", v.problem);
}

async fn break_glass_is_granted_audited_and_listed_for_review(app: TestApp, station: Station) {
    use yishe_testserver::tokens::{Signer, mint};
    let created = create_referral(&app, &station, "m1").await;
    let mut station_feed = app
        .referrals(Some(&station.supervisor_key))
        .watch_referral_events(yishe_proto::referral::WatchReferralEventsRequest::after(0))
        .await
        .unwrap()
        .into_inner();
    // A supervisor of another station.
    let outsider = mint(
        Signer::Ed25519,
        "wu.s2",
        serde_json::json!({ "role": "supervisor", "station": "s2" }),
    );
    let mut client = app.referrals(Some(&outsider));
    let get = |reason: &str| GetReferralRequest {
        referral_id: created.id.clone(),
        break_glass_reason: reason.into(),
    };

    assert_eq!(
        client.get_referral(get("")).await.unwrap_err().code(),
        tonic::Code::NotFound
    );
    assert_eq!(
        client.get_referral(get("urgent")).await.unwrap_err().code(),
        tonic::Code::InvalidArgument
    );
    let reason = "patient collapsed in our ward; need the family contact now";
    let opened = client
        .get_referral(get(reason))
        .await
        .unwrap()
        .into_inner()
        .referral
        .unwrap();
    assert_eq!(opened.id, created.id);
    // Only supervisors may break the glass.
    let other_his = app
        .referrals(Some(&station.other_his_key))
        .get_referral(get(reason))
        .await;
    assert_eq!(other_his.unwrap_err().code(), tonic::Code::NotFound);

    let mut kinds = Vec::new();
    while kinds.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(10), station_feed.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        kinds.push(event.into_event().unwrap().r#type());
    }
    assert_eq!(
        kinds[1],
        yishe_proto::referral::ReferralEventType::BreakGlass
    );
    assert!(
        app.metrics()
            .await
            .contains(r#"yishe_break_glass_total{role="supervisor"} 1"#)
    );

    let mut audit = auditor(&app, &station);
    let review = audit
        .list_audit_records(ListAuditRecordsRequest {
            action: "referral.break_glass".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .records;
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].subject, "jwt:wu.s2");
    assert_eq!(review[0].purpose, reason);
    assert_eq!(review[0].resource_id, created.id);
    assert!(
        verify_sealed(&mut audit).await.intact,
        "a purpose is part of the chain"
    );
}

e2e!(
    break_glass_is_granted_audited_and_listed_for_review,
    every_access_is_recorded_and_sealed,
    refused_calls_and_audit_reads_are_recorded,
    the_export_streams_the_chain_in_order,
    a_list_is_one_record_naming_every_referral_shown,
    an_edit_behind_yishes_back_is_pinpointed,
);
