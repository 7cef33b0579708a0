//! `yishe referral close|approve-closure|return-closure|reopen` with the real binary:
//! a case closed as lost contact reads in Chinese, ends FAILED, and is reopened.

use serde_json::Value;
use yishe_proto::common::Priority;
use yishe_proto::directory::{CertificationLevel, Role};
use yishe_testserver::{Engine, Station, TestApp};

use crate::support::Cli;

async fn a_case_closed_and_reopened_from_the_command_line(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let referral = station
        .assigned_referral(&app, "cli-closure", Priority::Routine)
        .await;
    let (_, li) = station
        .person(
            &app,
            "李督导",
            CertificationLevel::Intermediate,
            Role::Supervisor,
        )
        .await;
    let cli = Cli { app: &app };
    let worker = station.worker_key.as_str();
    let rid = referral.id.as_str();

    let bad = cli
        .run(
            worker,
            &[
                "referral",
                "close",
                rid,
                "--outcome",
                "fine",
                "--summary",
                "x",
            ],
        )
        .await;
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && said.contains("unknown closure outcome"),
        "{said}"
    );
    let asked = cli
        .ok(
            worker,
            &[
                "referral",
                "close",
                rid,
                "--outcome",
                "lost_contact",
                "--summary",
                "多次电话及上门未能联系到患者和家属",
                "--satisfaction",
                "0",
            ],
        )
        .await;
    assert!(
        asked.contains("待审批") && asked.contains("失去联系 (LOST_CONTACT)"),
        "{asked}"
    );
    let returned = cli
        .ok(
            &li,
            &[
                "referral",
                "return-closure",
                rid,
                "--note",
                "请再尝试联系一次",
            ],
        )
        .await;
    assert!(returned.contains("已退回"), "{returned}");
    cli.ok(
        worker,
        &[
            "referral",
            "close",
            rid,
            "--outcome",
            "lost_contact",
            "--summary",
            "多次电话及上门未能联系到患者和家属",
        ],
    )
    .await;
    let closed: Value = serde_json::from_str(
        &cli.ok(&li, &["referral", "approve-closure", rid, "-o", "json"])
            .await,
    )
    .unwrap();
    assert_eq!(closed["status"], "FAILED", "{closed}");
    assert_eq!(closed["closure"]["state"], "已批准");

    let reopened: Value = serde_json::from_str(
        &cli.ok(
            &station.supervisor_key,
            &[
                "referral",
                "reopen",
                rid,
                "--reason",
                "家属来电，患者已回到本院",
                "-o",
                "json",
            ],
        )
        .await,
    )
    .unwrap();
    assert_eq!(reopened["reopened_from_referral_id"], rid);
    assert_eq!(reopened["status"], "ACCEPTED");
    assert_eq!(
        reopened["consent"]["reconfirmation"], "待首次接触时再次确认",
        "{reopened}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_case_closed_and_reopened_from_the_command_line() {
    a_case_closed_and_reopened_from_the_command_line(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_case_closed_and_reopened_from_the_command_line() {
    a_case_closed_and_reopened_from_the_command_line(Engine::Postgres).await;
}
