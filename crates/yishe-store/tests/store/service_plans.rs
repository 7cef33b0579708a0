//! The plan store on SQLite and PostgreSQL: one plan per referral, idempotent by the
//! station's request id, versions side by side with sealed bodies, the plan's revision
//! guarding every change, lists by scope and state, and rotation and retention
//! reaching plans.

use chrono::Duration;
use yishe_domain::assessment::Instrument;
use yishe_domain::plan::{
    Comparator, Goal, Measure, Plan, PlanContent, PlanState, PlanVersion, Work,
};
use yishe_domain::referral::{Referral, Status};
use yishe_domain::{GoalId, PageRequest, PlanId, SocialWorkerId};
use yishe_store::{Error, PlanInserted, PlanScope, Store};
use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

async fn case(store: &Store, request_id: &str) -> Referral {
    let d = department(store, &format!("d-{request_id}")).await;
    let mut r = referral(&d, request_id);
    r.status = Status::InProgress;
    insert(store, &r).await;
    r
}

fn plan_for(referral: &Referral, request_id: &str) -> (Plan, PlanVersion) {
    let plan = Plan {
        id: PlanId::new(),
        referral: referral.id,
        station: referral.station.clone(),
        request_id: request_id.into(),
        newest_version: 1,
        newest_state: PlanState::Draft,
        in_force_version: None,
        work: Work::default(),
        revision: 1,
        created_by: "key-1".into(),
        created_at: now(),
        updated_at: now(),
    };
    let version = PlanVersion {
        plan: plan.id,
        version: 1,
        state: PlanState::Draft,
        content: PlanContent {
            goals: vec![Goal {
                id: GoalId::new(),
                problems: vec!["p-1".into()],
                description: "mood lifts enough to take part in treatment".into(),
                measure: Measure::InstrumentTarget {
                    instrument: Instrument::Phq9,
                    comparator: Comparator::Below,
                    target: 10,
                },
                target_date: None,
                set_at: now(),
            }],
            interventions: Vec::new(),
            review_date: None,
        },
        revision_reason: String::new(),
        author: "key-1".into(),
        author_worker: None,
        created_at: now(),
        submitted_at: None,
        decision: None,
    };
    (plan, version)
}

async fn insert_plan(store: &Store, plan: &(Plan, PlanVersion), fingerprint: &str) -> PlanInserted {
    let mut tx = store.begin().await.unwrap();
    let done = tx.insert_plan(&plan.0, &plan.1, fingerprint).await.unwrap();
    tx.commit().await.unwrap();
    done
}

async fn one_plan_per_referral_by_request_id(db: TestDatabase) {
    let store = open(&db).await;
    let r = case(&store, "r1").await;
    let first = plan_for(&r, "p1");
    assert!(matches!(
        insert_plan(&store, &first, "fp").await,
        PlanInserted::Inserted
    ));

    match insert_plan(&store, &plan_for(&r, "p1"), "fp-2").await {
        PlanInserted::Existing(existing, fingerprint) => {
            assert_eq!(*existing, first);
            assert_eq!(fingerprint, "fp");
        }
        other => panic!("a replay finds the first plan, not {other:?}"),
    }
    match insert_plan(&store, &plan_for(&r, "p2"), "fp").await {
        PlanInserted::ReferralHasPlan(id) => assert_eq!(id, first.0.id),
        other => panic!("the referral has its plan, not {other:?}"),
    }
    let raw = db
        .texts("SELECT body FROM service_plan_versions")
        .await
        .unwrap();
    assert_eq!(raw.len(), 1);
    assert!(!raw[0].contains("mood"), "the version's body is sealed");
}

async fn the_revision_guards_every_change(db: TestDatabase) {
    let store = open(&db).await;
    let r = case(&store, "r1").await;
    let (mut plan, mut version) = plan_for(&r, "p1");
    insert_plan(&store, &(plan.clone(), version.clone()), "fp").await;

    version.state = PlanState::PendingApproval;
    version.submitted_at = Some(now());
    plan.newest_state = PlanState::PendingApproval;
    plan.revision = 2;
    let mut tx = store.begin().await.unwrap();
    tx.update_plan_version(&version).await.unwrap();
    tx.save_plan(&plan).await.unwrap();
    assert!(matches!(tx.save_plan(&plan).await, Err(Error::Stale)));
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get_plan(plan.id).await.unwrap().unwrap(), plan);
    assert_eq!(
        tx.get_plan_version(plan.id, 1).await.unwrap().unwrap(),
        version
    );
    assert!(tx.get_plan_version(plan.id, 2).await.unwrap().is_none());
}

async fn lists_follow_scope_and_state(db: TestDatabase) {
    let store = open(&db).await;
    let worker = worker(&store, "Wang Fang", 10).await;
    let mine = {
        let d = department(&store, "onc").await;
        let mut r = referral(&d, "mine");
        r.status = Status::InProgress;
        r.assigned_worker = Some(worker.id);
        insert(&store, &r).await;
        r
    };
    let other = case(&store, "other").await;
    let (mut pending, v) = plan_for(&mine, "p-mine");
    pending.newest_state = PlanState::PendingApproval;
    insert_plan(&store, &(pending.clone(), v), "fp").await;
    insert_plan(&store, &plan_for(&other, "p-other"), "fp").await;

    let mut tx = store.begin().await.unwrap();
    let whole = PlanScope::Station(station());
    let caseload = |worker| PlanScope::Caseload {
        station: station(),
        worker,
    };
    let cases = [
        (whole.clone(), None, 2),
        (whole, Some(PlanState::PendingApproval), 1),
        (caseload(worker.id), None, 1),
        (caseload(SocialWorkerId::new()), None, 0),
    ];
    for (scope, state, expected) in cases {
        let page = tx
            .list_plans(&scope, None, state, PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(page.items.len(), expected, "{scope:?} {state:?}");
    }
    let page = tx
        .list_plans(
            &PlanScope::Station(station()),
            None,
            Some(PlanState::PendingApproval),
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(page.items[0].0.id, pending.id);
    assert_eq!(page.items[0].1.version, 1, "with its newest version");
}

async fn rotation_and_retention_reach_plans(db: TestDatabase) {
    let store = open(&db).await;
    let mut r = case(&store, "r1").await;
    let plan = plan_for(&r, "p1");
    insert_plan(&store, &plan, "fp").await;
    let before: i64 = store
        .encryption_status()
        .await
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();

    store.crypto().install(store.crypto().keyring().rotated());
    let new = store.crypto().current_key_id();
    store.reencrypt_records(100).await.unwrap();
    assert_eq!(
        store.encryption_status().await.unwrap(),
        vec![(Some(new), before)],
        "the plan and its version are sealed again with the rest"
    );
    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get_plan(plan.0.id).await.unwrap().unwrap(), plan.0);
    assert_eq!(
        tx.get_plan_version(plan.0.id, 1).await.unwrap().unwrap(),
        plan.1
    );
    drop(tx);

    r.status = Status::Completed;
    let mut tx = store.begin().await.unwrap();
    tx.save_referral(&mut r, &[]).await.unwrap();
    tx.commit().await.unwrap();
    store
        .purge_closed_referrals(now() + Duration::hours(1), now(), 10)
        .await
        .unwrap();
    for table in ["service_plans", "service_plan_versions"] {
        let left = db
            .texts(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
            .await
            .unwrap();
        assert_eq!(left, ["0"], "{table} after retention");
    }
}

on_both_engines!(
    one_plan_per_referral_by_request_id,
    the_revision_guards_every_change,
    lists_follow_scope_and_state,
    rotation_and_retention_reach_plans,
);
