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
        contributors: Vec::new(),
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

mod tasks {
    //! Volunteer tasks in the store: posted once per request id, a stale claim refused,
    //! the board, a team's tasks and the overdue watch's query.

    use chrono::Duration;
    use yishe_domain::directory::{Volunteer, VolunteerTeam};
    use yishe_domain::plan::{TaskDraft, TaskFor, TaskState, VolunteerTask};
    use yishe_domain::{Caller, InterventionId, PageRequest, Role, VolunteerId, VolunteerTeamId};
    use yishe_store::{Error, Store, TaskPosted, TaskScope};
    use yishe_testkit::{TestDatabase, on_both_engines};

    use super::{case, insert_plan, plan_for};
    use crate::fixtures::*;

    async fn team(store: &Store, name: &str) -> Volunteer {
        let team = VolunteerTeam {
            id: VolunteerTeamId::new(),
            station: station(),
            display_name: name.into(),
            contact: String::new(),
            active: true,
            created_at: now(),
        };
        let volunteer = Volunteer {
            id: VolunteerId::new(),
            station: station(),
            team: team.id,
            display_name: format!("{name} volunteer"),
            contact: String::new(),
            skills: vec!["陪诊".into()],
            active: true,
            training: Vec::new(),
            created_at: now(),
            updated_at: now(),
            version: 1,
        };
        let mut tx = store.begin().await.unwrap();
        tx.insert_team(&team).await.unwrap();
        tx.insert_volunteer(&volunteer).await.unwrap();
        tx.commit().await.unwrap();
        volunteer
    }

    async fn posted(store: &Store, request_id: &str, deadline_in: Duration) -> VolunteerTask {
        let r = case(store, request_id).await;
        let plan = plan_for(&r, request_id);
        insert_plan(store, &plan, "fp").await;
        let caller = Caller {
            subject: "sw-key".into(),
            role: Role::SocialWorker,
            hospital: None,
            departments: Vec::new(),
            station: Some(station()),
            worker: None,
            volunteer: None,
            read_only: false,
        };
        let task = TaskDraft {
            instructions: "陪同检查".into(),
            starts_at: Some(now() + Duration::hours(4)),
            claim_deadline: Some(now() + deadline_in),
            ..Default::default()
        }
        .validate(
            TaskFor {
                station: station(),
                plan: plan.0.id,
                intervention: InterventionId::new(),
                referral: r.id,
                ward: "5A".into(),
                bed: "12".into(),
            },
            request_id.into(),
            &caller,
            now(),
        )
        .unwrap();
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            tx.insert_task(&task, "fp").await.unwrap(),
            TaskPosted::Inserted
        ));
        tx.commit().await.unwrap();
        task
    }

    async fn one_claim_wins_and_the_board_empties(db: TestDatabase) {
        let store = open(&db).await;
        let task = posted(&store, "t1", Duration::hours(2)).await;
        let (a, b) = (team(&store, "A").await, team(&store, "B").await);

        let mut tx = store.begin().await.unwrap();
        match tx.insert_task(&task, "fp").await.unwrap() {
            TaskPosted::Existing(existing, fingerprint) => {
                assert_eq!((*existing, fingerprint.as_str()), (task.clone(), "fp"));
            }
            other => panic!("a resend finds the first task, not {other:?}"),
        }
        let board = tx
            .list_tasks(&TaskScope::Board(station()), None, PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(board.items, vec![task.clone()]);
        drop(tx);

        // Both teams read it as posted; the first claim commits, the second is stale.
        let (mut first, mut second) = (task.clone(), task.clone());
        first.claim(&a, now()).unwrap();
        second.claim(&b, now()).unwrap();
        first.version += 1;
        second.version += 1;
        let mut tx = store.begin().await.unwrap();
        tx.save_task(&first).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(tx.save_task(&second).await, Err(Error::Stale)));
        drop(tx);

        let mut tx = store.begin().await.unwrap();
        let stored = tx.get_task(task.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.state, stored.team),
            (TaskState::Claimed, Some(a.team))
        );
        let board = tx
            .list_tasks(&TaskScope::Board(station()), None, PageRequest::first(10))
            .await
            .unwrap();
        assert!(board.items.is_empty(), "a claimed task leaves the board");
        for (team, expected) in [(a.team, 1), (b.team, 0)] {
            let mine = tx
                .list_tasks(&TaskScope::Team(team), None, PageRequest::first(10))
                .await
                .unwrap();
            assert_eq!(mine.items.len(), expected);
        }
        let raw = db.texts("SELECT texts FROM volunteer_tasks").await.unwrap();
        assert!(!raw[0].contains("陪同"), "the task's texts are sealed");
    }

    async fn the_watch_finds_board_tasks_past_their_deadline(db: TestDatabase) {
        let store = open(&db).await;
        let late = posted(&store, "late", Duration::hours(1)).await;
        posted(&store, "early", Duration::hours(3)).await;
        let mut tx = store.begin().await.unwrap();
        let due = tx
            .overdue_tasks(now() + Duration::hours(2), 10)
            .await
            .unwrap();
        assert_eq!(due.iter().map(|t| t.id).collect::<Vec<_>>(), vec![late.id]);
        let mut marked = due[0].clone();
        assert!(marked.mark_overdue(now() + Duration::hours(2)));
        marked.version += 1;
        tx.save_task(&marked).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let again = tx
            .overdue_tasks(now() + Duration::hours(2), 10)
            .await
            .unwrap();
        assert!(again.is_empty(), "marked once");
    }

    async fn rotation_and_retention_reach_tasks(db: TestDatabase) {
        let store = open(&db).await;
        let task = posted(&store, "t1", Duration::hours(2)).await;
        store.crypto().install(store.crypto().keyring().rotated());
        let new = store.crypto().current_key_id();
        store.reencrypt_records(100).await.unwrap();
        let keys = db
            .texts("SELECT key_id FROM volunteer_tasks")
            .await
            .unwrap();
        assert_eq!(keys, vec![new]);
        let mut tx = store.begin().await.unwrap();
        let mut referral = tx.get_referral(task.referral).await.unwrap().unwrap();
        assert_eq!(tx.get_task(task.id).await.unwrap().unwrap(), task);
        referral.status = yishe_domain::referral::Status::Completed;
        tx.save_referral(&mut referral, &[]).await.unwrap();
        tx.commit().await.unwrap();
        store
            .purge_closed_referrals(now() + Duration::hours(1), now(), 10)
            .await
            .unwrap();
        let left = db
            .texts("SELECT CAST(COUNT(*) AS TEXT) FROM volunteer_tasks")
            .await
            .unwrap();
        assert_eq!(left, ["0"], "retention deletes the referral's tasks");
    }

    on_both_engines!(
        one_claim_wins_and_the_board_empties,
        the_watch_finds_board_tasks_past_their_deadline,
        rotation_and_retention_reach_tasks,
    );
}
