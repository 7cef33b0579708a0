//! The assessment store on SQLite and PostgreSQL: versions kept side by side, sealed
//! content, idempotent submission, risk flags once per assessment and kind, and the
//! rotation and retention jobs reaching assessments too.

use chrono::Duration;
use yishe_domain::assessment::{
    Acknowledgement, Assessment, AssessmentDraft, Cutoffs, Instrument, ResponseDraft, RiskFlag,
    RiskKind,
};
use yishe_domain::referral::{Referral, Status};
use yishe_domain::{AssessmentId, PageRequest, RiskFlagId, SocialWorkerId};
use yishe_store::{Error, RiskFlagScope, Store, Submitted};
use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

fn phq9(item9: i32, rest: i32) -> ResponseDraft {
    let mut answers: yishe_domain::assessment::Answers =
        (1..=8).map(|i| (format!("item{i}"), rest)).collect();
    answers.insert("item9".into(), item9);
    ResponseDraft {
        instrument_id: "phq9".into(),
        version: 1,
        answers,
    }
}

fn assessment(referral: &Referral, request_id: &str, item9: i32) -> Assessment {
    let at = now();
    let content = AssessmentDraft {
        responses: vec![phq9(item9, 1)],
        narrative: "daughter cares for him at night".into(),
        ..Default::default()
    }
    .validate(&Cutoffs::default(), referral.created_at, at)
    .unwrap();
    Assessment {
        id: AssessmentId::new(),
        referral: referral.id,
        version: 1,
        current_version: 1,
        content,
        amendment_reason: String::new(),
        recorded_by: "key-w".into(),
        recorded_by_worker: None,
        recorded_at: at,
        created_at: at,
        created_by: "key-w".into(),
        request_id: request_id.into(),
    }
}

fn flag(a: &Assessment, station: &Referral) -> RiskFlag {
    RiskFlag {
        id: RiskFlagId::new(),
        referral: a.referral,
        station: station.station.clone(),
        assessment: a.id,
        assessment_version: a.version,
        instrument: Instrument::Phq9,
        kind: RiskKind::SelfHarmThoughts,
        raised_at: now(),
        acknowledgement: None,
        version: 1,
    }
}

async fn case(store: &Store) -> Referral {
    let d = department(store, "onc").await;
    let mut r = referral(&d, "r1");
    r.status = Status::InProgress;
    insert(store, &r).await;
    r
}

async fn submit(store: &Store, a: &Assessment) -> Submitted {
    let mut tx = store.begin().await.unwrap();
    let station = yishe_domain::StationId::parse("s1").unwrap();
    let done = tx.insert_assessment(a, &station, "fp-1").await.unwrap();
    tx.commit().await.unwrap();
    done
}

async fn versions_are_kept_and_sealed(db: TestDatabase) {
    let store = open(&db).await;
    let r = case(&store).await;
    let original = assessment(&r, "a1", 0);
    assert!(matches!(
        submit(&store, &original).await,
        Submitted::Inserted
    ));

    // A replay finds the first, with its fingerprint.
    let mut replay = assessment(&r, "a1", 3);
    replay.id = AssessmentId::new();
    match submit(&store, &replay).await {
        Submitted::Existing(existing, fingerprint) => {
            assert_eq!(*existing, original);
            assert_eq!(fingerprint, "fp-1");
        }
        Submitted::Inserted => panic!("a replay inserted a second assessment"),
    }

    let mut amended = assessment(&r, "a1", 2);
    amended.id = original.id;
    amended.version = 2;
    amended.current_version = 2;
    amended.amendment_reason = "item 9 misread".into();
    amended.created_at = original.created_at;
    amended.recorded_by_worker = Some(SocialWorkerId::new());
    let mut tx = store.begin().await.unwrap();
    tx.add_assessment_version(&amended).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.add_assessment_version(&amended).await,
        Err(Error::Stale)
    ));
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let current = tx.get_assessment(original.id, None).await.unwrap().unwrap();
    assert_eq!(current, amended);
    let first = tx
        .get_assessment(original.id, Some(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.content, original.content);
    assert_eq!((first.version, first.current_version), (1, 2));
    assert!(
        tx.get_assessment(original.id, Some(3))
            .await
            .unwrap()
            .is_none()
    );
    let listed = tx
        .list_assessments(r.id, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    drop(tx);

    for raw in db
        .texts("SELECT content || amendment_reason FROM assessment_versions")
        .await
        .unwrap()
    {
        assert!(raw.starts_with("enc:v1:"));
        for plain in ["daughter", "item9", "misread", "phq9"] {
            assert!(!raw.contains(plain), "{plain} stored in the clear");
        }
    }
}

async fn lists_are_newest_first_in_pages(db: TestDatabase) {
    let store = open(&db).await;
    let r = case(&store).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let a = assessment(&r, &format!("a{i}"), 0);
        submit(&store, &a).await;
        ids.push(a.id);
    }
    let mut tx = store.begin().await.unwrap();
    let page = tx
        .list_assessments(r.id, PageRequest::first(2))
        .await
        .unwrap();
    let listed: Vec<_> = page.items.iter().map(|a| a.id).collect();
    assert_eq!(listed, vec![ids[2], ids[1]]);
    let rest = tx
        .list_assessments(
            r.id,
            PageRequest {
                limit: 2,
                after: page.next_after,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        rest.items.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    assert!(rest.next_after.is_none());
}

async fn a_risk_is_flagged_once_and_acknowledged_once(db: TestDatabase) {
    let store = open(&db).await;
    let mut r = case(&store).await;
    let worker = worker(&store, "Wang", 10).await;
    r.assigned_worker = Some(worker.id);
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&mut r, &[]).await.unwrap();
    tx.commit().await.unwrap();
    let a = assessment(&r, "a1", 1);
    submit(&store, &a).await;

    let raised = flag(&a, &r);
    let mut tx = store.begin().await.unwrap();
    assert!(tx.insert_risk_flag(&raised).await.unwrap());
    let mut again = flag(&a, &r);
    again.assessment_version = 2;
    assert!(
        !tx.insert_risk_flag(&again).await.unwrap(),
        "one flag per assessment and kind"
    );
    tx.commit().await.unwrap();
    assert_eq!(
        store.open_risk_flags().await.unwrap(),
        vec![yishe_store::OpenRiskFlags {
            station: raised.station.as_str().into(),
            kind: RiskKind::SelfHarmThoughts,
            count: 1,
            oldest_raised_at: raised.raised_at,
        }]
    );

    let scopes = [
        (RiskFlagScope::Station(station()), 1),
        (
            RiskFlagScope::Caseload {
                station: station(),
                worker: worker.id,
            },
            1,
        ),
        (
            RiskFlagScope::Caseload {
                station: station(),
                worker: SocialWorkerId::new(),
            },
            0,
        ),
        (
            RiskFlagScope::Station(yishe_domain::StationId::parse("s2").unwrap()),
            0,
        ),
    ];
    let mut tx = store.begin().await.unwrap();
    for (scope, expected) in scopes {
        let page = tx
            .list_risk_flags(&scope, None, true, PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(page.items.len(), expected, "{scope:?}");
    }

    let mut acknowledged = tx.get_risk_flag(raised.id).await.unwrap().unwrap();
    assert_eq!(acknowledged, raised);
    acknowledged.acknowledgement = Some(Acknowledgement {
        by: "key-s".into(),
        at: now(),
        note: "safety plan agreed with the family".into(),
    });
    acknowledged.version = 2;
    tx.update_risk_flag(&acknowledged).await.unwrap();
    assert!(matches!(
        tx.update_risk_flag(&acknowledged).await,
        Err(Error::Stale)
    ));
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.get_risk_flag(raised.id).await.unwrap().unwrap(),
        acknowledged
    );
    let open = tx
        .list_risk_flags(
            &RiskFlagScope::Station(station()),
            Some(r.id),
            true,
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert!(open.items.is_empty());
    drop(tx);
    assert!(store.open_risk_flags().await.unwrap().is_empty());
    let raw = db.texts("SELECT note FROM risk_flags").await.unwrap();
    assert!(!raw[0].contains("safety"), "the note is sealed");
}

async fn rotation_and_retention_reach_assessments(db: TestDatabase) {
    let store = open(&db).await;
    let mut r = case(&store).await;
    let a = assessment(&r, "a1", 1);
    submit(&store, &a).await;
    let mut tx = store.begin().await.unwrap();
    tx.insert_risk_flag(&flag(&a, &r)).await.unwrap();
    tx.commit().await.unwrap();
    let old = store.crypto().current_key_id();
    assert_eq!(
        store.encryption_status().await.unwrap(),
        vec![(Some(old), 3)]
    );

    store.crypto().install(store.crypto().keyring().rotated());
    let new = store.crypto().current_key_id();
    assert_eq!(store.reencrypt_records(100).await.unwrap(), 3);
    assert_eq!(store.reencrypt_records(100).await.unwrap(), 0);
    assert_eq!(
        store.encryption_status().await.unwrap(),
        vec![(Some(new), 3)]
    );
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get_assessment(a.id, None).await.unwrap().unwrap(), a);
    drop(tx);

    r.status = Status::Completed;
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&mut r, &[]).await.unwrap();
    tx.commit().await.unwrap();
    let purged = store
        .purge_closed_referrals(now() + Duration::hours(1), now(), 10)
        .await
        .unwrap();
    assert_eq!(purged, vec![r.id]);
    for table in ["assessments", "assessment_versions", "risk_flags"] {
        let left = db
            .texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
            .await
            .unwrap();
        assert_eq!(left, ["0"], "{table} after retention");
    }
}

on_both_engines!(
    versions_are_kept_and_sealed,
    lists_are_newest_first_in_pages,
    a_risk_is_flagged_once_and_acknowledged_once,
    rotation_and_retention_reach_assessments,
);
