//! An installation moving to the national algorithms (密评, GB/T 39786), as
//! SECURITY.md tells it: restarted with `encryption_algorithm = "sm4-gcm"` and
//! `audit_chain_hash = "sm3"`, the station admin rotates the key; every record is
//! re-sealed with SM4 and reads back, new audit links are SM3, and the chain, links of
//! both hashes, verifies whole.

use std::time::Duration;

use yishe_proto::security::encryption_service_client::EncryptionServiceClient;
use yishe_proto::security::{GetEncryptionStatusRequest, RotateEncryptionKeyRequest};
use yishe_store::{ChainHash, EncryptionAlgorithm};

use crate::support::{Engine, Station, TestApp, create_referral, read_referral, sealed_chain};

async fn an_installation_moves_to_sm4_and_sm3(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            create_referral(&app, &station, &format!("aes-{n}"))
                .await
                .id,
        );
    }
    // An assessment and its risk flag's note are sealed too.
    let (assessed, assessment) = crate::assessment::risky_assessment(&app, &station).await;
    ids.push(assessed.id);
    let before = sealed_chain(&app, &station).await;
    assert!(before.intact, "{before:?}");

    // Restarted with the national algorithms configured, on the same database and
    // keyring.
    app.stop().await;
    let (url, keyring) = (app.db.url.clone(), app.process.config.effective_key_file());
    let national = TestApp::spawn_with(engine, |c| {
        c.database.database_url = url;
        c.security.encryption_key_file = keyring.clone();
        c.security.encryption_algorithm = EncryptionAlgorithm::Sm4Gcm;
        c.audit.audit_chain_hash = ChainHash::Sm3;
    })
    .await
    .expect("the engine is there");

    let bearer = yishe_proto::client::Bearer::new(Some(&station.admin_key)).unwrap();
    let mut keys = EncryptionServiceClient::with_interceptor(national.channel.clone(), bearer);
    let status = keys
        .get_encryption_status(GetEncryptionStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        status.current_algorithm, "aes-256-gcm",
        "until the rotation"
    );
    let rotated = keys
        .rotate_encryption_key(RotateEncryptionKeyRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rotated.algorithm, "sm4-gcm");
    for n in 0..3 {
        ids.push(
            create_referral(&national, &station, &format!("sm4-{n}"))
                .await
                .id,
        );
    }
    let mut status = Default::default();
    for _ in 0..50 {
        status = keys
            .get_encryption_status(GetEncryptionStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.keys.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        (
            status.current_key_id.as_str(),
            status.current_algorithm.as_str()
        ),
        (rotated.key_id.as_str(), "sm4-gcm")
    );
    assert_eq!(status.keys.len(), 1, "every record re-sealed: {status:?}");
    assert_eq!(status.keys[0].algorithm, "sm4-gcm");
    assert!(
        status.keys[0].records > 9,
        "referrals and the assessment: {status:?}"
    );
    for id in &ids {
        let read = read_referral(&national, &station.supervisor_key, id).await;
        assert_eq!(read.patient.unwrap().name, "陈建国", "{id} opens under SM4");
    }
    let read = national
        .assessments(Some(&station.worker_key))
        .get_assessment(yishe_proto::assessment::GetAssessmentRequest {
            assessment_id: assessment.assessment_id.clone(),
            ..Default::default()
        })
        .await
        .expect("the assessment opens under SM4")
        .into_inner();
    assert_eq!(
        read.assessment.map(|a| a.responses),
        Some(assessment.responses),
        "as recorded"
    );
    let file = std::fs::read_to_string(&keyring).unwrap();
    assert!(
        file.contains("sm4-gcm"),
        "the keyring says which key is SM4"
    );

    let after = sealed_chain(&national, &station).await;
    assert!(after.intact, "{after:?}");
    assert!(after.verified_records > before.verified_records);
    // The database both servers used (the first one's).
    let hashes = app
        .db
        .texts("SELECT hash FROM audit_chain ORDER BY sequence")
        .await
        .unwrap();
    let kinds: Vec<ChainHash> = hashes.iter().map(|h| ChainHash::of_link(h)).collect();
    let first_sm3 = kinds
        .iter()
        .position(|k| *k == ChainHash::Sm3)
        .expect("SM3 links");
    assert!(
        first_sm3 as u64 >= before.verified_records,
        "older links kept SHA-256"
    );
    assert!(
        kinds[first_sm3..].iter().all(|k| *k == ChainHash::Sm3),
        "{hashes:?}"
    );
    assert!(after.head_hash.starts_with("sm3:"), "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_installation_moves_to_sm4_and_sm3() {
    an_installation_moves_to_sm4_and_sm3(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_installation_moves_to_sm4_and_sm3() {
    an_installation_moves_to_sm4_and_sm3(Engine::Postgres).await
}
