//! `yishe assessment …` with the real binary against a real server: the forms, a
//! submission from ITEM=VALUE pairs, one asked question by question, one from files,
//! the list, the comparison, an amendment, the risk flag and its acknowledgement, and a
//! refused answer named on stderr.

use serde_json::Value;
use yishe_proto::common::Priority;
use yishe_testserver::{Engine, Station, TestApp};

use crate::support::Cli;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

async fn assessments_from_the_command_line(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let referral = station
        .assigned_referral(&app, "cli-1", Priority::Routine)
        .await;
    let cli = Cli { app: &app };
    let worker = station.worker_key.as_str();
    let rid = referral.id.as_str();

    let instruments = cli.ok(worker, &["assessment", "instruments"]).await;
    assert!(instruments.contains("phq9") && instruments.contains("cssrs_screener"));
    let form = cli
        .ok(worker, &["assessment", "show", "cssrs_screener"])
        .await;
    assert!(
        form.contains("q4_intent") && form.contains("q2_thoughts=1"),
        "{form}"
    );

    // ITEM=VALUE pairs: item 9 at 1, a total of 4.
    let mut args = vec![
        "assessment",
        "submit",
        rid,
        "--instrument",
        "phq9",
        "--request-id",
        "phq9-first",
        "-o",
        "json",
    ];
    let pairs: Vec<String> = (1..=9)
        .map(|i| format!("item{i}={}", [3, 0, 0, 0, 0, 0, 0, 0, 1][i - 1]))
        .collect();
    for pair in &pairs {
        args.extend(["--answer", pair]);
    }
    let first = json(&cli.ok(worker, &args).await);
    assert_eq!(first["responses"][0]["total"], 4);
    assert_eq!(first["risks"][0], "SELF_HARM_THOUGHTS");
    // Resent as a table (a replay, answered with the first), it says so in words: the
    // score, the risk, and what the server did.
    let mut table = args[..7].to_vec();
    for pair in &pairs {
        table.extend(["--answer", pair]);
    }
    let said = cli.ok(worker, &table).await;
    assert!(
        said.contains("phq9: 总分 4，分级 minimal")
            && said.contains("⚠ 风险：有自伤念头")
            && said.contains("已上报督导")
            && said.contains("转介已升为至少紧急"),
        "{said}"
    );

    // Question by question: "no" to q2 skips q3 to q5, so three answers suffice; a
    // value not offered is asked again.
    let asked = cli
        .run_with_input(
            worker,
            &[
                "assessment",
                "submit",
                rid,
                "--instrument",
                "cssrs_screener",
                "--interactive",
                "-o",
                "json",
            ],
            // A wish to be dead (q1), a bad answer asked again, no thoughts (q2), no
            // behaviour ever (q6): low, and neither the thought nor the three-month
            // follow-ups asked.
            "1\n5\n0\n0\n",
        )
        .await;
    assert!(
        asked.status.success(),
        "{}",
        String::from_utf8_lossy(&asked.stderr)
    );
    let prompts = String::from_utf8_lossy(&asked.stderr);
    assert!(
        prompts.contains("q2_thoughts")
            && !prompts.contains("q4_intent")
            && prompts.contains("q6_behaviour_lifetime")
            && !prompts.contains("q6a_within_three_months"),
        "{prompts}"
    );
    assert!(prompts.contains("one of the values"), "{prompts}");
    let screened = json(&String::from_utf8_lossy(&asked.stdout));
    assert_eq!(screened["responses"][0]["band"], "low");

    // From files: answers by instrument and the psychosocial domains.
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.json");
    std::fs::write(&answers, r#"{"phq9": {"item1": 0, "item2": 0, "item3": 0, "item4": 0, "item5": 0, "item6": 0, "item7": 0, "item8": 0, "item9": 0}}"#).unwrap();
    let psychosocial = dir.path().join("psychosocial.json");
    std::fs::write(
        &psychosocial,
        r#"{"insurance": "RESIDENT_BASIC", "financial_hardship": "SEVERE",
            "problems": [{"category": "FINANCIAL", "severity": "SEVERE", "description": "cannot pay the deposit"}]}"#,
    )
    .unwrap();
    let third = json(
        &cli.ok(
            worker,
            &[
                "assessment",
                "submit",
                rid,
                "--answers-file",
                answers.to_str().unwrap(),
                "--psychosocial-file",
                psychosocial.to_str().unwrap(),
                "--narrative",
                "family met; assistance application started",
                "-o",
                "json",
            ],
        )
        .await,
    );
    assert_eq!(third["responses"][0]["total"], 0);
    assert_eq!(third["psychosocial"]["insurance"], "RESIDENT_BASIC");
    let problem = third["psychosocial"]["problems"][0].as_str().unwrap();
    assert!(
        problem.starts_with("FINANCIAL (SEVERE): cannot pay the deposit [problem_id "),
        "the problem with the id a plan names: {problem}"
    );

    let listed = json(
        &cli.ok(worker, &["assessment", "list", rid, "-o", "json"])
            .await,
    );
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [&third["id"], &screened["id"], &first["id"]].map(|v| v.as_str().unwrap())
    );

    let compared = cli.ok(worker, &["assessment", "compare", rid]).await;
    assert!(
        compared.contains("phq9") && compared.contains("-4") && compared.contains("BETTER"),
        "{compared}"
    );

    // An amendment, then the flag acknowledged by the supervisor.
    let id = third["id"].as_str().unwrap();
    let amended = json(
        &cli.ok(
            worker,
            &[
                "assessment",
                "amend",
                id,
                "--etag",
                "1",
                "--reason",
                "item 1 was misread",
                "--instrument",
                "phq9",
                "--answer",
                "item1=1",
                "--answer",
                "item2=0",
                "--answer",
                "item3=0",
                "--answer",
                "item4=0",
                "--answer",
                "item5=0",
                "--answer",
                "item6=0",
                "--answer",
                "item7=0",
                "--answer",
                "item8=0",
                "--answer",
                "item9=0",
                "-o",
                "json",
            ],
        )
        .await,
    );
    assert_eq!(
        (
            amended["version"].as_u64(),
            amended["responses"][0]["total"].as_i64()
        ),
        (Some(2), Some(1))
    );
    // What the amendment did not give is kept, not erased.
    assert_eq!(
        amended["narrative"], "family met; assistance application started",
        "the narrative left out is kept"
    );
    assert_eq!(amended["psychosocial"]["insurance"], "RESIDENT_BASIC");
    // One answer corrected alone: the others stay as they were.
    let corrected = json(
        &cli.ok(
            worker,
            &[
                "assessment",
                "amend",
                id,
                "--etag",
                "2",
                "--reason",
                "item 1 again",
                "--instrument",
                "phq9",
                "--answer",
                "item1=2",
                "-o",
                "json",
            ],
        )
        .await,
    );
    assert_eq!(
        (
            corrected["version"].as_u64(),
            corrected["responses"][0]["total"].as_i64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(corrected["narrative"], amended["narrative"]);
    let nothing = cli
        .run(
            worker,
            &[
                "assessment",
                "amend",
                id,
                "--etag",
                "3",
                "--reason",
                "no change",
            ],
        )
        .await;
    assert_eq!(nothing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("nothing to amend"));
    let original = json(
        &cli.ok(
            worker,
            &["assessment", "get", id, "--version", "1", "-o", "json"],
        )
        .await,
    );
    assert_eq!(original["responses"][0]["total"], 0);

    let supervisor = station.supervisor_key.as_str();
    let open = json(
        &cli.ok(supervisor, &["assessment", "risks", "--open", "-o", "json"])
            .await,
    );
    let flag = &open["items"][0];
    assert_eq!(flag["kind"], "SELF_HARM_THOUGHTS");
    // Whose flag it is, without looking the referral up.
    assert_eq!(flag["patient"], "陈建国 (Oncology 5A 12)");
    assert_eq!(flag["worker"], "Wang Fang");
    let done = json(
        &cli.ok(
            supervisor,
            &[
                "assessment",
                "acknowledge",
                flag["id"].as_str().unwrap(),
                "--etag",
                flag["etag"].as_str().unwrap(),
                "--note",
                "saw the patient with the ward psychologist",
                "-o",
                "json",
            ],
        )
        .await,
    );
    assert_eq!(done["state"], "ACKNOWLEDGED");

    // A refused answer: the exit code says so and stderr names the item.
    let refused = cli
        .run(
            worker,
            &[
                "assessment",
                "submit",
                rid,
                "--instrument",
                "gad7",
                "--answer",
                "item1=7",
            ],
        )
        .await;
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("responses[0].answers.item1")
            && stderr.contains("responses[0].answers.item2"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_assessments_from_the_command_line() {
    assessments_from_the_command_line(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_assessments_from_the_command_line() {
    assessments_from_the_command_line(Engine::Postgres).await;
}
