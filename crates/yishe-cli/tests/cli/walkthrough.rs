//! The README's walk-through, run with the real `yishe` binary against a real server:
//! department, workers and keys, a referral created, accepted, assigned and watched;
//! and a refused call shown with its fields and a non-zero exit.

use yishe_testserver::{Engine, TestApp};

use crate::support::Cli;

async fn walk_through(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let cli = Cli { app: &app };
    let admin = app.admin_key.as_str();

    let dept = cli
        .ok(
            admin,
            &[
                "department",
                "create",
                "--hospital",
                "h1",
                "--code",
                "onc",
                "--name",
                "Oncology",
                "-o",
                "id",
            ],
        )
        .await;
    let his = cli
        .ok(
            admin,
            &[
                "key",
                "create",
                "--name",
                "oncology HIS",
                "--role",
                "his_integration",
                "--hospital",
                "h1",
                "--department",
                &dept,
                "-o",
                "id",
            ],
        )
        .await;
    assert!(his.starts_with("ysk_"));
    let worker = cli
        .ok(
            admin,
            &[
                "worker",
                "create",
                "--name",
                "Wang Fang",
                "--level",
                "intermediate",
                "--caseload-limit",
                "20",
                "-o",
                "id",
            ],
        )
        .await;
    let supervisor = cli
        .ok(
            admin,
            &[
                "key",
                "create",
                "--name",
                "supervisor",
                "--role",
                "supervisor",
                "-o",
                "id",
            ],
        )
        .await;

    let referral = cli
        .ok(
            &his,
            &[
                "referral",
                "create",
                "--request-id",
                "his-0001",
                "--hospital",
                "h1",
                "--department",
                &dept,
                "--clinician",
                "Dr Zhao",
                "--patient-id",
                "MRN-1",
                "--encounter-id",
                "ZY-1",
                "--patient-name",
                "陈建国",
                "--reason",
                "financial_hardship",
                "--priority",
                "urgent",
                "--consent",
                "given",
                "--consent-by",
                "patient",
                "-o",
                "id",
            ],
        )
        .await;
    cli.ok(&supervisor, &["referral", "accept", &referral])
        .await;
    let assigned = cli
        .ok(
            &supervisor,
            &[
                "referral", "assign", &referral, "--worker", &worker, "-o", "json",
            ],
        )
        .await;
    let assigned: serde_json::Value = serde_json::from_str(&assigned).unwrap();
    assert_eq!(assigned["status"], "ACCEPTED");
    assert_eq!(assigned["assigned_worker_name"], "Wang Fang");

    let listed = cli.ok(&his, &["referral", "list"]).await;
    assert!(
        listed.contains(&referral) && listed.contains("Wang Fang"),
        "{listed}"
    );

    // A refused call: the server's fields, a non-zero exit.
    let stale = cli
        .run(
            &supervisor,
            &["referral", "hold", &referral, "--note", "x", "--etag", "1"],
        )
        .await;
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("Aborted"));
    let invalid = cli
        .run(
            &his,
            &[
                "referral",
                "create",
                "--request-id",
                "x",
                "--hospital",
                "h1",
                "--department",
                &dept,
                "--clinician",
                "",
                "--patient-id",
                "",
                "--encounter-id",
                "E",
                "--patient-name",
                "P",
                "--reason",
                "other",
                "--priority",
                "routine",
                "--consent",
                "given",
            ],
        )
        .await;
    assert_eq!(invalid.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&invalid.stderr);
    assert!(
        stderr.contains("referral.patient.his_patient_id") && stderr.contains("referral.note"),
        "{stderr}"
    );
    let denied = cli.run(&his, &["key", "list"]).await;
    assert!(String::from_utf8_lossy(&denied.stderr).contains("PermissionDenied"));

    // A staff token minted locally works like a key.
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("signing.pem");
    std::fs::write(&pem, yishe_testserver::tokens::ed25519_signing_pem()).unwrap();
    let token = cli
        .ok(
            "",
            &[
                "token",
                "mint",
                "--signing-key",
                pem.to_str().unwrap(),
                "--kid",
                "ed",
                "--issuer",
                yishe_testserver::tokens::ISSUER,
                "--audience",
                yishe_testserver::tokens::AUDIENCE,
                "--subject",
                "zhang.supervisor",
                "--role",
                "supervisor",
                "--station",
                "s1",
            ],
        )
        .await;
    let by_token = cli
        .ok(&token, &["referral", "get", &referral, "-o", "json"])
        .await;
    assert!(by_token.contains("Wang Fang"));

    // The auditor checks the hash chain and exports it as JSON lines.
    let auditor = cli
        .ok(
            admin,
            &[
                "key", "create", "--name", "auditor", "--role", "auditor", "-o", "id",
            ],
        )
        .await;
    let mut verified = String::new();
    for _ in 0..40 {
        verified = cli.ok(&auditor, &["audit", "verify", "-o", "json"]).await;
        let v: serde_json::Value = serde_json::from_str(&verified).unwrap();
        assert_eq!(v["intact"], true, "{verified}");
        if v["unsealed_records"].as_u64().unwrap() <= 1
            && v["verified_records"].as_u64().unwrap() > 5
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    // The HIS's list of referrals is one record, found from the referral it showed.
    let about = cli
        .ok(
            &auditor,
            &["audit", "list", "--kind", "referral", "--id", &referral],
        )
        .await;
    let list_line = about
        .lines()
        .find(|l| l.contains("referral.list"))
        .unwrap_or_else(|| panic!("the list is audited: {about}"));
    assert!(list_line.contains("1 referral"), "{list_line}");
    let exported = cli.ok(&auditor, &["audit", "export"]).await;
    let lines: Vec<serde_json::Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 5, "{verified}");
    assert_eq!(lines[0]["sequence"], 1);
    assert!(lines.iter().any(|l| l["action"] == "referral.create"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_walk_through() {
    walk_through(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_walk_through() {
    walk_through(Engine::Postgres).await
}
