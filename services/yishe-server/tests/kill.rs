//! What the server acknowledged survives `kill -9`: the all-in-one binary is killed
//! while HIS callers create referrals as fast as they can, and every referral it
//! answered for is read back afterwards (on SQLite, group commit answers a batch only
//! after its COMMIT; on PostgreSQL, after the server's).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tonic::transport::Endpoint;
use yishe_proto::client::Bearer;
use yishe_proto::referral::GetReferralRequest;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_testserver::{Beside, Engine, Station, TestApp};

const CALLERS: usize = 8;
/// Creates acknowledged before the kill: enough that batches were in flight.
const BEFORE_THE_KILL: usize = 150;

async fn every_acknowledged_create_survives_kill_9(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Arc::new(Station::seed(&app).await);
    let dir = tempfile::tempdir().unwrap();
    let mut server = Beside::start(env!("CARGO_BIN_EXE_yishe-server"), &app, dir.path());
    let channel = Endpoint::from_shared(server.grpc.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut callers = Vec::new();
    for caller in 0..CALLERS {
        let mut client = ReferralServiceClient::with_interceptor(
            channel.clone(),
            Bearer::new(Some(&station.his_key)).unwrap(),
        );
        let (station, acknowledged) = (station.clone(), acknowledged.clone());
        callers.push(tokio::spawn(async move {
            for n in 0.. {
                let request =
                    station.referral_request(&station.department, &format!("kill-{caller}-{n}"));
                match client.create_referral(request).await {
                    Ok(created) => acknowledged
                        .lock()
                        .unwrap()
                        .push(created.into_inner().referral.unwrap().id),
                    // The server is gone.
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::timeout(Duration::from_secs(60), async {
        while acknowledged.lock().unwrap().len() < BEFORE_THE_KILL {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the server acknowledges creates");
    server.kill();
    for caller in callers {
        caller.await.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut reader = app.referrals(Some(&station.his_key));
    let mut lost = Vec::new();
    for id in &acknowledged {
        let found = reader
            .get_referral(GetReferralRequest {
                referral_id: id.clone(),
                ..Default::default()
            })
            .await;
        if found.is_err() {
            lost.push(id.clone());
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged referrals were lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_acknowledged_create_survives_kill_9() {
    every_acknowledged_create_survives_kill_9(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_acknowledged_create_survives_kill_9() {
    every_acknowledged_create_survives_kill_9(Engine::Postgres).await;
}
