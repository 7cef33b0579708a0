//! The directory as an integrator and a station admin meet it: stations with their
//! load, a referral addressed to a station that must exist, paged lists, and creates
//! that a resend does not repeat.

use crate::support::{Station, TestApp, bad_fields, create_referral, e2e, refusal};
use yishe_proto::directory::*;
use yishe_proto::referral::ReferralReason;

/// The seed's station as the holder of `key` reads it.
async fn station_s1(app: &TestApp, key: &str) -> yishe_proto::directory::Station {
    app.directory(Some(key))
        .get_station(GetStationRequest {
            station_id: "s1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .station
        .unwrap()
}

async fn a_department_reads_the_stations_with_their_load(app: TestApp, station: Station) {
    let mut his = app.directory(Some(&station.his_key));
    let before = station_s1(&app, &station.his_key).await;
    // Registered on first start, named by its id and taking every reason; the seed's
    // two workers carry ten cases each.
    assert_eq!(
        (
            before.display_name.as_str(),
            before.referral_reasons.len(),
            before.caseload_capacity,
            before.active_social_workers,
            before.waiting_referrals,
        ),
        ("s1", 0, 20, 2, 0)
    );
    create_referral(&app, &station, "r1").await;
    let listed = his
        .list_stations(ListStationsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.stations.len(), 1);
    assert_eq!(listed.stations[0].waiting_referrals, 1);
    assert_eq!(listed.next_page_token, "");

    let missing = his
        .get_station(GetStationRequest {
            station_id: "west".into(),
        })
        .await;
    assert_eq!(
        refusal(&missing),
        (tonic::Code::NotFound, "STATION_NOT_FOUND".into())
    );
    // Ops see no directory.
    let ops = app
        .directory(Some(&station.ops_key))
        .list_stations(ListStationsRequest::default())
        .await;
    assert_eq!(refusal(&ops).0, tonic::Code::PermissionDenied);
}

async fn a_station_admin_names_the_station_and_its_reasons(app: TestApp, station: Station) {
    let mut admin = app.directory(Some(&station.admin_key));
    let current = station_s1(&app, &station.admin_key).await;
    let update = |etag: &str, reasons: Vec<i32>| UpdateStationRequest {
        station: Some(yishe_proto::directory::Station {
            id: "s1".into(),
            etag: etag.into(),
            display_name: "东院医务社工站".into(),
            referral_reasons: reasons,
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["display_name".into(), "referral_reasons".into()],
        }),
    };
    let reasons = vec![
        ReferralReason::EndOfLifeCare as i32,
        ReferralReason::FinancialHardship as i32,
    ];
    let updated = admin
        .update_station(update(&current.etag, reasons.clone()))
        .await
        .unwrap()
        .into_inner()
        .station
        .unwrap();
    assert_eq!(updated.display_name, "东院医务社工站");
    assert_eq!(updated.referral_reasons, reasons);
    assert_ne!(updated.etag, current.etag);

    let stale = admin
        .update_station(update(&current.etag, Vec::new()))
        .await;
    assert_eq!(refusal(&stale), (tonic::Code::Aborted, "STALE_ETAG".into()));
    let bad = admin
        .update_station(update(&updated.etag, vec![0, 99]))
        .await
        .unwrap_err();
    assert_eq!(
        bad_fields(&bad),
        ["station.referral_reasons[0]", "station.referral_reasons[1]"]
    );
    // Another station is not this admin's to change.
    let mut other = update(&updated.etag, Vec::new());
    other.station.as_mut().unwrap().id = "west".into();
    assert_eq!(
        refusal(&admin.update_station(other).await),
        (tonic::Code::NotFound, "STATION_NOT_FOUND".into())
    );
    let his = app
        .directory(Some(&station.his_key))
        .update_station(update(&updated.etag, Vec::new()))
        .await;
    assert_eq!(refusal(&his).0, tonic::Code::PermissionDenied);
}

async fn a_referral_goes_to_a_registered_station_only(app: TestApp, station: Station) {
    let mut his = app.referrals(Some(&station.his_key));
    let mut request = station.referral_request(&station.department, "to-west");
    request.referral.as_mut().unwrap().station_id = "west".into();
    assert_eq!(
        refusal(&his.create_referral(request).await),
        (tonic::Code::NotFound, "STATION_NOT_FOUND".into())
    );
    let mut request = station.referral_request(&station.department, "to-s1");
    request.referral.as_mut().unwrap().station_id = "s1".into();
    let created = his.create_referral(request).await.unwrap().into_inner();
    assert_eq!(created.referral.unwrap().station_id, "s1");
}

async fn directory_lists_come_in_pages(app: TestApp, station: Station) {
    let mut admin = app.directory(Some(&station.admin_key));
    for code in ["a1", "a2", "a3"] {
        admin
            .create_department(CreateDepartmentRequest {
                department: Some(Department {
                    hospital_id: "h2".into(),
                    code: code.into(),
                    name: code.into(),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let page = |token: &str| ListDepartmentsRequest {
        hospital_id: "h2".into(),
        page_size: 2,
        page_token: token.into(),
    };
    let first = admin.list_departments(page("")).await.unwrap().into_inner();
    let codes: Vec<_> = first.departments.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["a1", "a2"]);
    // One added meanwhile before the cursor is neither repeated nor shown.
    admin
        .create_department(CreateDepartmentRequest {
            department: Some(Department {
                hospital_id: "h2".into(),
                code: "a0".into(),
                name: "a0".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let second = admin
        .list_departments(page(&first.next_page_token))
        .await
        .unwrap()
        .into_inner();
    let codes: Vec<_> = second.departments.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["a3"]);
    assert_eq!(second.next_page_token, "");

    let forged = admin.list_departments(page("%%")).await.unwrap_err();
    assert_eq!(bad_fields(&forged), ["page_token"]);

    let keys = admin
        .list_api_keys(ListApiKeysRequest {
            page_size: 3,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(keys.api_keys.len(), 3);
    let rest = admin
        .list_api_keys(ListApiKeysRequest {
            page_size: 500,
            page_token: keys.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let all = admin
        .list_api_keys(ListApiKeysRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        keys.api_keys.len() + rest.api_keys.len(),
        all.api_keys.len()
    );
    assert!(
        all.api_keys.windows(2).all(|w| w[0].id < w[1].id),
        "oldest first"
    );
}

fn department(code: &str, name: &str, request_id: &str) -> CreateDepartmentRequest {
    CreateDepartmentRequest {
        department: Some(Department {
            hospital_id: "h1".into(),
            code: code.into(),
            name: name.into(),
            ..Default::default()
        }),
        request_id: request_id.into(),
    }
}

async fn a_resent_create_returns_what_the_first_made(app: TestApp, station: Station) {
    let admin = app.directory(Some(&station.admin_key));
    // Ten resends at once, as a retrying admin tool might: one department.
    let resends = (0..10).map(|_| {
        let mut admin = admin.clone();
        async move {
            admin
                .create_department(department("icu", "ICU 重症监护室", "dept-icu"))
                .await
        }
    });
    let answers = futures_join_all(resends).await;
    let ids: std::collections::BTreeSet<String> = answers
        .into_iter()
        .map(|a| a.unwrap().into_inner().department.unwrap().id)
        .collect();
    assert_eq!(ids.len(), 1, "every resend names the one department");
    let mut admin = admin.clone();
    let reused = admin
        .create_department(department("icu2", "ICU", "dept-icu"))
        .await;
    assert_eq!(
        refusal(&reused),
        (tonic::Code::AlreadyExists, "REQUEST_ID_REUSED".into())
    );
    for request_id in ["", "another-request"] {
        let taken = admin
            .create_department(department("icu", "ICU", request_id))
            .await;
        assert_eq!(
            refusal(&taken),
            (tonic::Code::AlreadyExists, "DEPARTMENT_CODE_IN_USE".into()),
            "request id {request_id:?}"
        );
    }

    let key = || CreateApiKeyRequest {
        api_key: Some(ApiKey {
            display_name: "icu HIS".into(),
            role: Role::HisIntegration as i32,
            hospital_id: "h1".into(),
            department_ids: vec![station.department.clone()],
            ..Default::default()
        }),
        request_id: "key-icu".into(),
    };
    let first = admin.create_api_key(key()).await.unwrap().into_inner();
    let again = admin.create_api_key(key()).await.unwrap().into_inner();
    assert_eq!(
        first.api_key.as_ref().unwrap().id,
        again.api_key.unwrap().id
    );
    assert!(!first.secret.is_empty());
    assert_eq!(again.secret, "", "the secret is shown once");

    let worker = || CreateSocialWorkerRequest {
        social_worker: Some(SocialWorker {
            display_name: "王芳".into(),
            certification_level: CertificationLevel::Intermediate as i32,
            caseload_limit: 12,
            ..Default::default()
        }),
        request_id: "worker-wang".into(),
    };
    let first = admin.create_social_worker(worker()).await.unwrap();
    let again = admin.create_social_worker(worker()).await.unwrap();
    assert_eq!(
        first.into_inner().social_worker.unwrap().id,
        again.into_inner().social_worker.unwrap().id
    );
    // The id is the station's, not the kind's: a worker's id is not a key's.
    let mut crossed = worker();
    crossed.request_id = "key-icu".into();
    assert_eq!(
        refusal(&admin.create_social_worker(crossed).await),
        (tonic::Code::AlreadyExists, "REQUEST_ID_REUSED".into())
    );
    let too_long = admin
        .create_department(department("x", "x", &"r".repeat(129)))
        .await
        .unwrap_err();
    assert_eq!(bad_fields(&too_long), ["request_id"]);
}

/// Every future's output, each run as its own task, at once.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("task"));
    }
    outputs
}

e2e!(
    a_department_reads_the_stations_with_their_load,
    a_station_admin_names_the_station_and_its_reasons,
    a_referral_goes_to_a_registered_station_only,
    directory_lists_come_in_pages,
    a_resent_create_returns_what_the_first_made,
);
