//! Where the CLI misled or lost data when tried as the README says, each checked: a key
//! given empty, a resent create, a wrong value, and the commands `--help` lists against
//! the README's list. (The amendment that erased the narrative: `assessment.rs`.)

use yishe_testserver::{Engine, Station, TestApp};

use crate::support::Cli;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A referral create as the README writes it, with `extra` flags.
fn create<'a>(station: &'a Station, request_id: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "referral",
        "create",
        "--request-id",
        request_id,
        "--hospital",
        "h1",
        "--department",
        &station.department,
        "--clinician",
        "Dr Zhao",
        "--patient-id",
        "MRN-9",
        "--encounter-id",
        "ZY-9",
        "--patient-name",
        "陈建国",
        "--reason",
        "financial_hardship",
        "-o",
        "id",
    ];
    args.extend_from_slice(extra);
    args
}

const GIVEN: [&str; 6] = [
    "--priority",
    "urgent",
    "--consent",
    "given",
    "--consent-by",
    "patient",
];

async fn keys_resends_and_wrong_values(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let station = Station::seed(&app).await;
    let cli = Cli { app: &app };

    // An empty key (an unset variable) is refused, not replaced by the admin's.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("admin.key"), &app.admin_key).unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let empty = cli
        .run_keyed(Some(""), &["--data-dir", data_dir, "worker", "list"], "")
        .await;
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("the key given is empty"));
    // No key at all: the admin key of the data directory, said on stderr.
    let fallback = cli
        .run_keyed(None, &["--data-dir", data_dir, "worker", "list"], "")
        .await;
    assert!(fallback.status.success(), "{}", stderr(&fallback));
    assert!(
        stderr(&fallback).contains("using the station admin key in"),
        "{}",
        stderr(&fallback)
    );
    assert!(String::from_utf8_lossy(&fallback.stdout).contains("Wang Fang"));

    // The same command sent twice (its consent time defaulting to now each time) is a
    // replay: the same referral, not ALREADY_EXISTS.
    let his = station.his_key.as_str();
    let first = cli.ok(his, &create(&station, "his-resent", &GIVEN)).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = cli.ok(his, &create(&station, "his-resent", &GIVEN)).await;
    assert_eq!(again, first);
    // A resend that differs in more than that is still refused.
    let mut other_note = GIVEN.to_vec();
    other_note.extend(["--note", "another note"]);
    let differs = cli
        .run(his, &create(&station, "his-resent", &other_note))
        .await;
    assert_eq!(differs.status.code(), Some(1));
    assert!(
        stderr(&differs).contains("AlreadyExists"),
        "{}",
        stderr(&differs)
    );
    // With a consent time given, a resend sends that same time.
    let mut timed = GIVEN.to_vec();
    timed.extend(["--consent-time", "2026-12-07T09:30:00+08:00"]);
    let timed_first = cli.ok(his, &create(&station, "his-timed", &timed)).await;
    let shown = cli
        .ok(his, &["referral", "get", &timed_first, "-o", "json"])
        .await;
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        shown["consent"]["recorded_time"], "2026-12-07T09:30:00+08:00",
        "shown in the station's time zone"
    );
    assert_eq!(
        cli.ok(his, &create(&station, "his-timed", &timed)).await,
        timed_first
    );

    // Consent is never assumed.
    let no_consent = cli
        .run(his, &create(&station, "his-x", &["--priority", "urgent"]))
        .await;
    assert_eq!(no_consent.status.code(), Some(2));
    assert!(
        stderr(&no_consent).contains("--consent"),
        "{}",
        stderr(&no_consent)
    );

    // A wrong value is refused with the valid choices.
    let mut man = GIVEN.to_vec();
    man.extend(["--sex", "man"]);
    let out = cli.run(his, &create(&station, "his-x", &man)).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown sex \"man\": one of FEMALE, MALE, OTHER"),
        "{}",
        stderr(&out)
    );
    let high = [
        "--priority",
        "high",
        "--consent",
        "given",
        "--consent-by",
        "patient",
    ];
    let out = cli.run(his, &create(&station, "his-x", &high)).await;
    assert!(
        stderr(&out).contains("unknown priority \"high\": one of ROUTINE, URGENT, EMERGENCY"),
        "{}",
        stderr(&out)
    );
    let out = cli
        .run(&station.worker_key, &["assessment", "show", "phq10"])
        .await;
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains("unknown instrument \"phq10\": one of") && said.contains("phq9"),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keys_resends_and_wrong_values() {
    keys_resends_and_wrong_values(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keys_resends_and_wrong_values() {
    keys_resends_and_wrong_values(Engine::Postgres).await;
}

/// The subcommands `yishe <group> --help` lists.
fn subcommands(args: &[&str]) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yishe"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The README's list after "`yishe --help` lists every command:", as the commands it
/// names: `referral create|get` is `referral create` and `referral get`.
fn readme_commands() -> Vec<String> {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("`yishe --help` lists every command:")
        .expect("the README lists the commands");
    let list = &readme[start..];
    let list = &list[..list.find("\n\n").unwrap_or(list.len())];
    let mut commands = Vec::new();
    for quoted in list.split('`').skip(3).step_by(2) {
        let (group, leaves) = quoted.rsplit_once(' ').unwrap_or(("", quoted));
        for leaf in leaves.split('|') {
            let command = format!("{group} {leaf}");
            commands.push(command.trim().to_owned());
        }
    }
    commands
}

#[test]
fn the_help_lists_every_command_the_readme_lists() {
    let mut in_help = Vec::new();
    for group in subcommands(&[]) {
        let leaves = subcommands(&[&group]);
        if leaves.is_empty() {
            in_help.push(group);
            continue;
        }
        for leaf in leaves {
            let nested = subcommands(&[&group, &leaf]);
            if nested.is_empty() {
                in_help.push(format!("{group} {leaf}"));
            }
            in_help.extend(nested.into_iter().map(|n| format!("{group} {leaf} {n}")));
        }
    }
    let mut in_readme = readme_commands();
    in_help.sort();
    in_readme.sort();
    assert_eq!(in_help, in_readme, "yishe --help against the README's list");
}
