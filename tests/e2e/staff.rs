//! A social worker who leaves: deactivated in the directory, their API key and their
//! staff token stop working at once (the next call, in the process that deactivated
//! them), and work again if they return.

use yishe_proto::directory::{ListSocialWorkersRequest, SocialWorker, UpdateSocialWorkerRequest};
use yishe_proto::referral::ListReferralsRequest;

use crate::support::{Station, TestApp, e2e, refusal};

e2e!(a_deactivated_workers_key_and_token_stop_at_once);

async fn set_active(app: &TestApp, station: &Station, active: bool) {
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
            social_worker: Some(SocialWorker { active, ..worker }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["active".into()],
            }),
        })
        .await
        .expect("updated");
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
