//! `yishe plan …` and `yishe intervention …` with the real binary against a real
//! server: a plan drafted from a file that names problems by category and the worker
//! as `assigned`, taken through approval, shown as a supervisor reads it, and worked.

use serde_json::Value;
use yishe_proto::assessment::{
    IdentifiedProblem, InstrumentResponse, ProblemCategory, PsychosocialAssessment, Severity,
    SubmitAssessmentRequest,
};
use yishe_proto::common::Priority;
use yishe_proto::directory::{CertificationLevel, Role};
use yishe_testserver::{Engine, Station, TestApp};

use crate::support::Cli;

const PLAN: &str = r##"{
  "review_date": "2026-12-31",
  "goals": [
    { "problems": ["emotional"], "description": "情绪低落缓解",
      "target": { "instrument": "phq9", "comparator": "below", "value": 10 } },
    { "problems": ["financial"], "description": "获得医疗救助",
      "levels": { "-2": "未申请", "-1": "材料未齐", "0": "已提交申请", "+1": "已获批", "2": "医疗与慈善救助均获批" } }
  ],
  "interventions": [
    { "goals": ["#0"], "kind": "counselling", "description": "每周两次心理疏导", "responsible": "assigned", "due": "2026-12-20" },
    { "goals": ["#1"], "kind": "fund_application", "description": "协助申请医疗救助", "responsible": "assigned" }
  ]
}"##;

async fn plans_from_the_command_line(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let referral = station
        .assigned_referral(&app, "cli-plan", Priority::Routine)
        .await;
    app.assessments(Some(&station.worker_key))
        .submit_assessment(SubmitAssessmentRequest {
            referral_id: referral.id.clone(),
            request_id: "cli-plan-a1".into(),
            responses: vec![InstrumentResponse {
                instrument_id: "distress_thermometer".into(),
                version: 1,
                answers: [("rating".to_owned(), 2)].into(),
                ..Default::default()
            }],
            psychosocial: Some(PsychosocialAssessment {
                problems: [ProblemCategory::Financial, ProblemCategory::Emotional]
                    .into_iter()
                    .map(|c| IdentifiedProblem {
                        category: c as i32,
                        severity: Severity::Moderate as i32,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let (_, approver) = station
        .person(
            &app,
            "陈静",
            CertificationLevel::Intermediate,
            Role::Supervisor,
        )
        .await;
    let cli = Cli { app: &app };
    let worker = station.worker_key.as_str();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::write(&file, PLAN).unwrap();

    let id = cli
        .ok(
            worker,
            &[
                "plan",
                "create",
                "--referral",
                &referral.id,
                "--file",
                file.to_str().unwrap(),
                "-o",
                "id",
            ],
        )
        .await;
    // An export is a plan file with every id: sent back, it changes nothing it names.
    let exported = cli.ok(worker, &["plan", "export", &id]).await;
    let round_trip = dir.path().join("exported.json");
    std::fs::write(&round_trip, &exported).unwrap();
    let before: Value =
        serde_json::from_str(&cli.ok(worker, &["plan", "show", &id, "-o", "json"]).await).unwrap();
    let after: Value = serde_json::from_str(
        &cli.ok(
            worker,
            &[
                "plan",
                "edit",
                &id,
                "--file",
                round_trip.to_str().unwrap(),
                "-o",
                "json",
            ],
        )
        .await,
    )
    .unwrap();
    assert_eq!(before["goals"], after["goals"], "goals keep their ids");
    assert_eq!(before["interventions"], after["interventions"]);
    cli.ok(worker, &["plan", "submit", &id, "-o", "id"]).await;
    let pending: Value = serde_json::from_str(
        &cli.ok(&approver, &["plan", "show", &id, "-o", "json"])
            .await,
    )
    .unwrap();
    let etag = pending["etag"].as_str().unwrap().to_owned();
    let queue = cli.ok(&approver, &["plan", "list", "--pending"]).await;
    assert!(queue.contains(&id) && queue.contains("待审批"), "{queue}");
    let refused = cli
        .run(worker, &["plan", "approve", &id, "--etag", &etag])
        .await;
    assert!(!refused.status.success(), "a social worker cannot approve");
    cli.ok(
        &approver,
        &["plan", "approve", &id, "--etag", &etag, "--note", "同意"],
    )
    .await;

    let plan: Value =
        serde_json::from_str(&cli.ok(worker, &["plan", "show", &id, "-o", "json"]).await).unwrap();
    let counselling = plan["interventions"][0]["id"].as_str().unwrap().to_owned();
    let scaled_goal = plan["goals"][1]["id"].as_str().unwrap().to_owned();
    cli.ok(
        worker,
        &["intervention", "start", &id, &counselling, "-o", "id"],
    )
    .await;
    cli.ok(
        worker,
        &[
            "plan",
            "progress",
            &id,
            "--goal",
            &scaled_goal,
            "--level",
            "-1",
            "--note",
            "材料在准备",
            "-o",
            "id",
        ],
    )
    .await;

    // What a supervisor reads at a glance: state, who decided, each goal's measure and
    // standing, each intervention with the worker's name and its state.
    let shown = cli.ok(&approver, &["plan", "show", &id]).await;
    for expected in [
        "已批准（生效）",
        "审批 陈静 批准",
        "同意",
        "PHQ-9 < 10",
        "目标达成量表（GAS）· 最新 -1",
        "-2 未申请",
        "心理疏导",
        "Wang Fang",
        "进行中",
        "计划中",
        "2026-12-20",
        "复查日期 2026-12-31",
    ] {
        assert!(shown.contains(expected), "{expected:?} not in\n{shown}");
    }

    // Part of the fund application goes to volunteers, on the board.
    let application = plan["interventions"][1]["id"].as_str().unwrap().to_owned();
    let task = cli
        .ok(
            worker,
            &[
                "task",
                "post",
                "--plan",
                &id,
                "--intervention",
                &application,
                "--instructions",
                "陪同家属到医保窗口递交材料",
                "--at",
                "2099-01-05 14:00",
                "--claim-by",
                "2099-01-05 10:00",
                "-o",
                "id",
            ],
        )
        .await;
    let volunteer = station.volunteer_key.as_str();
    let board = cli.ok(volunteer, &["task", "board"]).await;
    assert!(
        board.contains("待接单") && board.contains("2099-01-05 14:00") && !board.contains("陈建国"),
        "the board shows what and when, not whom: {board}"
    );
    let claimed = cli.ok(volunteer, &["task", "claim", &task]).await;
    assert!(
        claimed.contains("已接单") && claimed.contains("医大青年志愿服务队"),
        "{claimed}"
    );
    cli.ok(
        volunteer,
        &["task", "report", &task, "--text", "材料已递交", "-o", "id"],
    )
    .await;
    let reviewed = cli
        .ok(worker, &["task", "review", &task, "--text", "办理顺利"])
        .await;
    assert!(
        reviewed.contains("已评阅") && reviewed.contains("材料已递交"),
        "{reviewed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_plans_from_the_command_line() {
    plans_from_the_command_line(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_plans_from_the_command_line() {
    plans_from_the_command_line(Engine::Postgres).await;
}
