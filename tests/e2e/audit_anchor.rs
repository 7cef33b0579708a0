//! The audit chain anchored outside the database: whoever can edit the database (and
//! drop its append-only triggers) can cut the last links off the chain, which the
//! chain alone cannot show; the checkpoints the sealer published elsewhere can.

use std::path::Path;
use std::time::Duration;

use crate::support::{Engine, Station, TestApp, bad_fields, create_referral};
use yishe_domain::audit::AuditCheckpoint;
use yishe_proto::audit::*;
use yishe_proto::convert::audit::checkpoint_to_proto;

fn auditor(
    app: &TestApp,
    station: &Station,
) -> audit_service_client::AuditServiceClient<
    tonic::service::interceptor::InterceptedService<
        tonic::transport::Channel,
        yishe_proto::client::Bearer,
    >,
> {
    let bearer = yishe_proto::client::Bearer::new(Some(&station.auditor_key)).unwrap();
    audit_service_client::AuditServiceClient::with_interceptor(app.channel.clone(), bearer)
}

/// The checkpoints in the file once one anchors at least `sequence` (the sealer
/// publishes at most once a second here).
async fn checkpoints_reaching(file: &Path, sequence: u64) -> Vec<AuditCheckpoint> {
    for _ in 0..60 {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let found = AuditCheckpoint::find_in(&text);
        if found.iter().any(|c| c.sequence >= sequence) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("no checkpoint reached sequence {sequence} within 15 s");
}

async fn a_chain_cut_short_fails_against_its_checkpoints(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkpoints.jsonl");
    let Some(app) = TestApp::spawn_with(engine, |c| {
        c.audit.audit_checkpoint_interval_secs = 1;
        c.audit.audit_checkpoint_file = file.clone();
    })
    .await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    for id in ["a1", "a2", "a3"] {
        create_referral(&app, &station, id).await;
    }
    let mut audit = auditor(&app, &station);
    let sealed = audit
        .verify_audit_chain(VerifyAuditChainRequest::default())
        .await
        .unwrap()
        .into_inner();
    let checkpoints = checkpoints_reaching(&file, sealed.verified_records).await;
    let anchor = checkpoints
        .iter()
        .max_by_key(|c| c.sequence)
        .unwrap()
        .clone();
    let given = VerifyAuditChainRequest {
        checkpoints: checkpoints.iter().map(checkpoint_to_proto).collect(),
    };
    let before = audit
        .verify_audit_chain(given.clone())
        .await
        .unwrap()
        .into_inner();
    assert!(before.intact, "{}", before.problem);
    assert_eq!(before.verified_checkpoints, checkpoints.len() as u64);
    assert_eq!(before.checkpoint_public_key, anchor.public_key);

    // Someone with the database drops the triggers and deletes the last links, their
    // rows and the checkpoints kept beside them.
    let cut = anchor.sequence - 2;
    let doomed = format!("SELECT audit_id FROM audit_chain WHERE sequence > {cut}");
    app.db
        .execute(&[
            &app.db.allow_deletes_from("audit_log"),
            &app.db.allow_deletes_from("audit_chain"),
            &format!("DELETE FROM audit_log WHERE id IN ({doomed})"),
            &format!("DELETE FROM audit_checkpoints WHERE sequence > {cut}"),
            &format!("DELETE FROM audit_chain WHERE sequence > {cut}"),
        ])
        .await
        .unwrap();

    // The chain alone still looks whole: the gap this closes.
    let alone = audit
        .verify_audit_chain(VerifyAuditChainRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(alone.intact, "{}", alone.problem);

    // Against the checkpoints published outside, it is not. (The sealer may have
    // sealed newer rows onto the shortened chain meanwhile: then the link at the
    // checkpoint's sequence is another one.)
    let after = audit.verify_audit_chain(given).await.unwrap().into_inner();
    assert!(!after.intact, "a cut chain verified against its checkpoint");
    assert!(
        after.problem.contains("were removed") || after.problem.contains("is not the one"),
        "{}",
        after.problem
    );

    // A forged checkpoint (another sequence under the real signature) is bad
    // evidence, refused as such.
    let mut forged = checkpoint_to_proto(&anchor);
    forged.sequence += 1000;
    let refused = audit
        .verify_audit_chain(VerifyAuditChainRequest {
            checkpoints: vec![forged],
        })
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&refused), ["checkpoints[0]"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_chain_cut_short_fails_against_its_checkpoints() {
    a_chain_cut_short_fails_against_its_checkpoints(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_chain_cut_short_fails_against_its_checkpoints() {
    a_chain_cut_short_fails_against_its_checkpoints(Engine::Postgres).await
}
