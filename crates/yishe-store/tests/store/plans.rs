//! Every filter of the referral list reads an index in the list's order: the plan
//! neither scans the referrals nor sorts them, on either engine, so a page costs the
//! same at a million referrals as at a thousand.

use yishe_domain::directory::Department;
use yishe_domain::referral::{ClosureState, ListFilter, ListOrder, ListScope, Status};
use yishe_domain::report::{Period, ReportRequest};
use yishe_domain::{DepartmentId, Priority, SocialWorkerId};
use yishe_store::{Created, Engine, Store};
use yishe_testkit::{TestDatabase, on_both_engines};

use crate::fixtures::*;

/// Each case: what it lists, and the columns the index must be searched by (those of
/// the filter term; the station's own may be left to a filter where it is every row),
/// with the comparison for a range (`updated_at>`).
fn cases() -> Vec<(&'static str, ListScope, ListFilter, &'static [&'static str])> {
    let station = ListScope::Station(station());
    let filter = ListFilter::default;
    let department = DepartmentId::new();
    let worker = SocialWorkerId::new();
    vec![
        // One station per database is the usual deployment: newest first by the
        // primary key is then the best plan, and any index will do.
        ("the whole station", station.clone(), filter(), &[]),
        (
            "status",
            station.clone(),
            ListFilter {
                status: Some(Status::Requested),
                ..filter()
            },
            &["station_id", "status"],
        ),
        (
            "priority",
            station.clone(),
            ListFilter {
                priority: Some(Priority::Urgent),
                ..filter()
            },
            &["station_id", "priority"],
        ),
        (
            "status and priority",
            station.clone(),
            ListFilter {
                status: Some(Status::Requested),
                priority: Some(Priority::Urgent),
                ..filter()
            },
            &["station_id", "status", "priority"],
        ),
        (
            "the HIS patient id",
            station.clone(),
            ListFilter {
                his_patient_id: Some("MRN-1".into()),
                ..filter()
            },
            &["patient_lookup"],
        ),
        (
            "the HIS order number",
            station.clone(),
            ListFilter {
                placer_order_id: Some("ORD-1".into()),
                ..filter()
            },
            &["placer_order_id"],
        ),
        (
            "the closures awaiting a decision",
            station.clone(),
            ListFilter {
                closure_state: Some(ClosureState::PendingApproval),
                ..filter()
            },
            &["referrals_closure_queue"],
        ),
        (
            "department",
            station.clone(),
            ListFilter {
                department: Some(department),
                ..filter()
            },
            &["department_id"],
        ),
        (
            "assigned worker",
            station.clone(),
            ListFilter {
                assigned_worker: Some(Some(worker)),
                ..filter()
            },
            &["assigned_worker_id"],
        ),
        (
            "unassigned",
            station.clone(),
            ListFilter {
                assigned_worker: Some(None),
                ..filter()
            },
            &["referrals_unassigned"],
        ),
        (
            "an HIS's one department",
            ListScope::Departments {
                hospital: hospital(),
                departments: vec![department],
            },
            filter(),
            &["department_id"],
        ),
    ]
}

/// Polling: changed or created since a time, in the orders a poller reads.
fn polling_cases() -> Vec<(
    &'static str,
    ListScope,
    ListFilter,
    ListOrder,
    &'static [&'static str],
)> {
    let since = Some(now() - chrono::Duration::minutes(5));
    let changed = ListFilter {
        updated_after: since,
        ..ListFilter::default()
    };
    vec![
        (
            "changed since, least recently first",
            ListScope::Station(station()),
            changed.clone(),
            ListOrder::UpdatedFirst,
            &["updated_at>"],
        ),
        (
            "changed since, most recently first",
            ListScope::Station(station()),
            changed.clone(),
            ListOrder::UpdatedLast,
            &["updated_at>"],
        ),
        (
            "an HIS's department changed since",
            ListScope::Departments {
                hospital: hospital(),
                departments: vec![DepartmentId::new()],
            },
            changed,
            ListOrder::UpdatedFirst,
            &["updated_at>"],
        ),
        (
            "created since",
            ListScope::Station(station()),
            ListFilter {
                created_after: since,
                ..ListFilter::default()
            },
            ListOrder::NewestFirst,
            &["id>"],
        ),
    ]
}

/// A station's history in miniature, so that the planner prices real row counts: most
/// referrals routine and completed, the few a list filters for (waiting, urgent,
/// unassigned) rare, each patient different. Where a filter is that selective, a plan
/// that walks the primary key and filters is a full scan in waiting.
async fn seed(store: &Store, department: &Department) {
    let done_by = worker(store, "王芳", 1000).await;
    let mut tx = store.begin().await.unwrap();
    for i in 0..600 {
        let mut r = referral(department, &format!("m{i}"));
        r.patient.his_patient_id = format!("MRN-{i}");
        r.placer_order_id = Some(format!("ORD-{i}"));
        if i % 50 == 0 {
            (r.status, r.priority) = (Status::Requested, Priority::Urgent);
        } else {
            (r.status, r.priority) = (Status::Completed, Priority::Routine);
            r.assigned_worker = Some(done_by.id);
        }
        assert!(matches!(
            tx.insert_referral(&r, "fp").await.unwrap(),
            Created::Inserted
        ));
    }
    tx.commit().await.unwrap();
}

async fn every_list_filter_is_served_by_an_index(db: TestDatabase) {
    let store = open(&db).await;
    seed(&store, &department(&store, "onc").await).await;
    if store.engine() == Engine::Postgres {
        // As autovacuum would have by now. (Yishe never runs ANALYZE on SQLite, whose
        // planner then goes by the shapes of the indexes.)
        db.execute(&["ANALYZE referrals"]).await.unwrap();
    }
    let every = cases()
        .into_iter()
        .map(|(what, scope, filter, columns)| (what, scope, filter, ListOrder::default(), columns))
        .chain(polling_cases());
    for (what, scope, filter, order, columns) in every {
        let plan = store
            .explain_referral_list(&scope, &filter, order)
            .await
            .unwrap();
        let text = plan.join("\n");
        let searched = match store.engine() {
            Engine::Sqlite => {
                assert!(!text.contains("TEMP B-TREE"), "{what}: sorted\n{text}");
                let scans: Vec<_> = plan.iter().filter(|l| l.starts_with("SCAN r")).collect();
                assert!(scans.is_empty(), "{what}: a full scan\n{text}");
                plan.iter()
                    .find(|l| l.starts_with("SEARCH r "))
                    .unwrap_or_else(|| panic!("{what}: no index search\n{text}"))
                    .clone()
            }
            Engine::Postgres => {
                assert!(
                    !text.contains("Seq Scan on referrals"),
                    "{what}: a full scan\n{text}"
                );
                assert!(
                    !plan
                        .iter()
                        .any(|l| l.trim_start().trim_start_matches("-> ").starts_with("Sort")),
                    "{what}: sorted\n{text}"
                );
                // The scan of the referrals, with its conditions (up to the next node).
                let scan = plan
                    .iter()
                    .position(|l| l.contains("Scan") && l.contains(" on referrals r"))
                    .unwrap_or_else(|| panic!("{what}: no index scan\n{text}"));
                let conditions = plan[scan + 1..]
                    .iter()
                    .take_while(|l| !l.trim_start().starts_with("->"))
                    .filter(|l| l.trim_start().starts_with("Index Cond"));
                std::iter::once(&plan[scan])
                    .chain(conditions)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        };
        // Conditions compared without spaces: PostgreSQL writes `id > $1`, SQLite `id>?`.
        let searched = searched.replace(' ', "");
        for column in columns {
            assert!(
                searched.contains(column),
                "{what}: {column} not searched\n{text}"
            );
        }
    }
}

/// Each query of a station's report searches the index on its station and the time it
/// counts by, never the whole table.
async fn every_report_query_is_served_by_an_index(db: TestDatabase) {
    let store = open(&db).await;
    let onc = department(&store, "onc").await;
    seed(&store, &onc).await;
    if store.engine() == Engine::Postgres {
        db.execute(&[
            "ANALYZE referrals",
            "ANALYZE follow_ups",
            "ANALYZE volunteer_tasks",
        ])
        .await
        .unwrap();
    }
    // A month long past: a report reads its period's rows, not the station's history.
    let period = Period::new(
        Some(now() - chrono::Duration::days(60)),
        Some(now() - chrono::Duration::days(30)),
    )
    .unwrap();
    // Rejections may as well be found by the station's rejected referrals, closures by
    // the station's closure queue.
    let expected: [(&str, &[&str]); 6] = [
        ("received", &["referrals_station_created"]),
        (
            "rejections",
            &["referrals_station_created", "referrals_station_status"],
        ),
        ("waits", &["referrals_station_created"]),
        (
            "closures",
            &["referrals_station_closed", "referrals_closure_queue"],
        ),
        ("follow_ups", &["follow_ups_station_due"]),
        ("tasks", &["volunteer_tasks_station_created"]),
    ];
    for department in [None, Some(onc.id)] {
        let request = ReportRequest { period, department };
        let plans = store.explain_report(&station(), &request).await.unwrap();
        assert_eq!(plans.len(), expected.len());
        for ((name, plan), (expected_name, indexes)) in plans.iter().zip(expected) {
            assert_eq!(*name, expected_name);
            let text = plan.join("\n");
            let full_scan = match store.engine() {
                Engine::Sqlite => plan.iter().any(|l| l.starts_with("SCAN ")),
                Engine::Postgres => text.contains("Seq Scan"),
            };
            assert!(!full_scan, "{name}: a full scan\n{text}");
            // PostgreSQL plans an empty table (no follow-ups or tasks are seeded here)
            // by guesswork; SQLite by the shapes of the indexes, so it says which.
            let seeded = !matches!(*name, "follow_ups" | "tasks");
            if department.is_none() && (seeded || store.engine() == Engine::Sqlite) {
                assert!(
                    indexes.iter().any(|index| text.contains(index)),
                    "{name}: none of {indexes:?} used\n{text}"
                );
            }
        }
    }
}

/// "Who saw this record" reads the ids about it from indexes (its own rows', the old
/// per-record table's, the minutes it was seen), never the whole audit log.
async fn the_search_for_who_saw_a_record_reads_indexes(db: TestDatabase) {
    let store = open(&db).await;
    // A log of some size, as the planner would know it: two thousand rows about
    // referrals, every tenth a list naming ten.
    let mut tx = store.begin().await.unwrap();
    for n in 0..2_000 {
        let mut row = yishe_store::AuditEntry::system(
            yishe_domain::audit::AuditAction::ReferralGet,
            uuid::Uuid::now_v7(),
            now(),
        );
        if n % 10 == 0 {
            row = row.about_each((0..10).map(|_| uuid::Uuid::now_v7().to_string()).collect());
        }
        tx.append_audit(&row).await.unwrap();
    }
    tx.commit().await.unwrap();
    if store.engine() == Engine::Postgres {
        db.execute(&["ANALYZE audit_log", "ANALYZE audit_sightings"])
            .await
            .unwrap();
    }
    let plan = store.explain_audit_search().await.unwrap();
    let text = plan.join("\n");
    match store.engine() {
        Engine::Sqlite => {
            let scans: Vec<_> = plan
                .iter()
                .map(|l| l.trim_start_matches(['|', '`', '-', ' ']))
                // The ids gathered are read in full, and each row's names.
                .filter(|l| {
                    l.starts_with("SCAN ")
                        && !l.starts_with("SCAN about")
                        && !l.starts_with("SCAN json_each")
                })
                .collect();
            assert!(scans.is_empty(), "a full scan\n{text}");
            for index in [
                "audit_log_resource",
                "audit_resources_by_resource",
                "SEARCH s USING INDEX sqlite_autoindex_audit_sightings_1",
                // A minute's rows that name records, not all of its rows.
                "SEARCH named USING INDEX audit_log_named",
            ] {
                assert!(text.contains(index), "{index} not used\n{text}");
            }
        }
        Engine::Postgres => {
            assert!(!text.contains("Seq Scan"), "a full scan\n{text}");
            // The log is read by the ids found, not walked in order.
            let by_id = plan
                .iter()
                .position(|l| l.contains(" on audit_log a "))
                .and_then(|scan| plan.get(scan + 1))
                .unwrap_or_else(|| panic!("no read of the log\n{text}"));
            assert!(
                by_id.contains("Index Cond: (id = about.id)"),
                "the log walked\n{text}"
            );
            for index in [
                "audit_log_resource",
                "audit_resources_by_resource",
                "audit_sightings_pkey",
            ] {
                assert!(text.contains(index), "{index} not used\n{text}");
            }
        }
    }
}

on_both_engines!(
    every_list_filter_is_served_by_an_index,
    every_report_query_is_served_by_an_index,
    the_search_for_who_saw_a_record_reads_indexes
);
