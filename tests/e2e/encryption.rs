//! Encryption at rest through the real server: the database never holds patient
//! details in clear, lookup by HIS patient id still works, and a key rotation
//! completes while the server keeps serving, with every record readable afterwards.

use std::time::Duration;

use crate::support::{Engine, Station, TestApp, create_referral, e2e, referral_of, send_referral};
use yishe_proto::referral::ListReferralsRequest;
use yishe_proto::security::encryption_service_client::EncryptionServiceClient;
use yishe_proto::security::*;

async fn everything_stored(app: &TestApp) -> String {
    use sqlx::Connection;
    let sql = "SELECT COALESCE(string_agg(t, '|'), '') FROM (SELECT patient || consent || note || status_note AS t FROM referrals) s";
    match app.engine {
        Engine::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
            sqlx::query_scalar("SELECT COALESCE(group_concat(patient || consent || note || status_note, '|'), '') FROM referrals")
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
        Engine::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
    }
}

async fn patient_details_are_encrypted_and_found_by_mrn(app: TestApp, station: Station) {
    let created = create_referral(&app, &station, "m1").await;
    let stored = everything_stored(&app).await;
    for secret in [
        "陈建国",
        "MRN-000123",
        "139 0000",
        "metastatic",
        "medical assistance",
    ] {
        assert!(
            !stored.contains(secret),
            "{secret} is in the database in clear"
        );
    }
    let found = app
        .referrals(Some(&station.his_key))
        .list_referrals(ListReferralsRequest {
            filter: "his_patient_id=MRN-000123".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        found
            .referrals
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        vec![created.id.as_str()]
    );
    assert_eq!(found.referrals[0].patient.as_ref().unwrap().name, "陈建国");
}

async fn a_key_rotation_completes_while_serving(app: TestApp, station: Station) {
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            create_referral(&app, &station, &format!("before-{i}"))
                .await
                .id,
        );
    }
    let bearer = yishe_proto::client::Bearer::new(Some(&station.admin_key)).unwrap();
    let mut keys = EncryptionServiceClient::with_interceptor(app.channel.clone(), bearer);
    let before = keys
        .get_encryption_status(GetEncryptionStatusRequest {})
        .await
        .unwrap()
        .into_inner();

    // Intake goes on during the rotation.
    let intake = {
        let app_channel = app.referrals(Some(&station.his_key));
        let station = station.clone();
        tokio::spawn(async move {
            let mut client = app_channel;
            let mut made = Vec::new();
            for i in 0..10 {
                let request = station.referral_request(&station.department, &format!("during-{i}"));
                made.push(send_referral(&mut client, request).await.id);
            }
            made
        })
    };
    let rotated = keys
        .rotate_encryption_key(RotateEncryptionKeyRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_ne!(rotated.key_id, before.current_key_id);
    ids.extend(intake.await.unwrap());

    let mut status = GetEncryptionStatusResponse::default();
    for _ in 0..50 {
        status = keys
            .get_encryption_status(GetEncryptionStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.keys.len() == 1 && status.keys[0].key_id == rotated.key_id {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status.current_key_id, rotated.key_id);
    assert_eq!(
        status.keys,
        vec![KeyUsage {
            key_id: rotated.key_id.clone(),
            records: 20,
            algorithm: "aes-256-gcm".into(),
        }],
        "every record under the new key"
    );
    let mut supervisor = app.referrals(Some(&station.supervisor_key));
    for id in ids {
        let r = referral_of(&mut supervisor, &id).await;
        assert_eq!(r.patient.unwrap().his_patient_id, "MRN-000123");
    }
    // The keyring file on disk holds both keys, so a restart reads everything.
    let file = std::fs::read_to_string(app.process.config.effective_key_file()).unwrap();
    assert!(file.contains(&rotated.key_id) && file.contains(&before.current_key_id));
}

e2e!(
    patient_details_are_encrypted_and_found_by_mrn,
    a_key_rotation_completes_while_serving
);
