//! `yishe contact …` and `yishe followup …` with the real binary against a real server:
//! the first contact seen by the department, a follow-up on the due list, attempted and
//! completed.

use serde_json::Value;
use yishe_proto::common::Priority;
use yishe_testserver::{Engine, Station, TestApp};

use crate::support::Cli;

async fn contacts_and_follow_ups_from_the_command_line(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let referral = station
        .assigned_referral(&app, "cli-followup", Priority::Routine)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let cli = Cli { app: &app };
    let worker = station.worker_key.as_str();
    let rid = referral.id.as_str();

    let contact = cli
        .ok(
            worker,
            &[
                "contact",
                "record",
                rid,
                "--channel",
                "ward_visit",
                "--minutes",
                "40",
                "--participant",
                "女儿",
                "--note",
                "家属担心费用",
                "--department-note",
                "已开始协助申请医疗救助",
            ],
        )
        .await;
    assert!(
        contact.contains("首次接触") && contact.contains("Wang Fang"),
        "{contact}"
    );
    let read: Value = serde_json::from_str(
        &cli.ok(&station.his_key, &["referral", "get", rid, "-o", "json"])
            .await,
    )
    .unwrap();
    assert_ne!(
        read["first_contact_time"], "",
        "the department sees the first contact"
    );

    let id = cli
        .ok(
            worker,
            &[
                "followup",
                "schedule",
                rid,
                "--purpose",
                "check_in",
                "--channel",
                "phone",
                "--due",
                "2099-01-05 10:00",
                "-o",
                "id",
            ],
        )
        .await;
    let due = cli.ok(worker, &["followup", "due"]).await;
    assert!(
        due.contains(&id) && due.contains("待跟进") && due.contains("2099-01-05 10:00"),
        "{due}"
    );
    let attempted = cli
        .ok(
            worker,
            &[
                "followup",
                "attempt",
                &id,
                "--channel",
                "phone",
                "--note",
                "无人接听",
            ],
        )
        .await;
    assert!(attempted.contains("未联系上：无人接听"), "{attempted}");
    let done = cli
        .ok(
            worker,
            &[
                "followup",
                "complete",
                &id,
                "--outcome",
                "stable",
                "--note",
                "情况稳定",
            ],
        )
        .await;
    assert!(done.contains("已完成") && done.contains("STABLE"), "{done}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_contacts_and_follow_ups_from_the_command_line() {
    contacts_and_follow_ups_from_the_command_line(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_contacts_and_follow_ups_from_the_command_line() {
    contacts_and_follow_ups_from_the_command_line(Engine::Postgres).await;
}
