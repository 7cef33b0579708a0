//! The `yishe-server` binary as an operator runs it: bad configuration exits 64 with a
//! clear message; a first start prints where it listens, the admin key file and the
//! new encryption keyring; SIGTERM drains and exits 0; the one-off commands (purge,
//! admin-key) report on their own streams.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn server() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yishe-server"));
    // Nothing from the developer's environment leaks into the run.
    for (key, _) in std::env::vars() {
        if key.starts_with("YISHE_") || key == "DATABASE_URL" {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Kills the server when the test fails before stopping it, so that no stray process
/// keeps its ports (or the console's) for the tests after it.
struct KilledIfTheTestFails(u32);

impl Drop for KilledIfTheTestFails {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = Command::new("kill")
                .args(["-9", &self.0.to_string()])
                .status();
        }
    }
}

/// `yishe-server <command>` run to its end in `dir`.
fn command_in(dir: &std::path::Path, command: &str) -> std::process::Output {
    server().current_dir(dir).arg(command).output().unwrap()
}

#[test]
fn bad_configuration_exits_64_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (key, value) in [
        ("YISHE_STATION_ID", "not a code"),
        ("YISHE_GRPC_LISTEN", "nowhere"),
        ("YISHE_DATABASE_URL", "mysql://x"),
        ("YISHE_ACCEPTANCE_DEADLINES__EMERGENCY", "0"),
        ("YISHE_ASSESSMENT__DISTRESS_THRESHOLD", "11"),
        ("YISHE_ASSESSMENT__WORDING_DIR", "/nonexistent/wording"),
    ] {
        let out = server()
            .current_dir(dir.path())
            .env(key, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(64), "{key}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("configuration"), "{key}: {stderr}");
    }
    let out = server()
        .current_dir(dir.path())
        .env("YISHE_CONFIG", "/nonexistent/yishe.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn first_start_prints_the_admin_key_and_sigterm_drains() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server()
        .current_dir(dir.path())
        .env("YISHE_GRPC_LISTEN", "127.0.0.1:0")
        .env("YISHE_HTTP_LISTEN", "127.0.0.1:0")
        .env("YISHE_CONSOLE__LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _stray = KilledIfTheTestFails(child.id());
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    while printed.len() < 6 {
        printed.push(
            lines
                .next()
                .expect("the server prints its start-up lines")
                .unwrap(),
        );
    }
    let text = printed.join("\n");
    assert!(text.contains("gRPC on 127.0.0.1:"), "{text}");
    // Where the station's console is, or (built without Node.js) how to get it.
    assert!(
        text.contains("the station's console on http://127.0.0.1:")
            || text.contains("install Node.js"),
        "{text}"
    );
    assert!(text.contains("admin.key"), "{text}");
    assert!(text.contains("encryption keys created"), "{text}");
    let key_file = dir.path().join("yishe-data/admin.key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(
        text.contains(key.trim()),
        "the printed key is the one in the file"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [
            key_file.clone(),
            dir.path().join("yishe-data/encryption.keys"),
        ] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
    }

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit after draining: {status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn purge_runs_once_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out = command_in(dir.path(), "purge");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 closed referrals anonymised"));
    let out = command_in(dir.path(), "frobnicate");
    assert_eq!(out.status.code(), Some(64));
}

/// `admin-key` prints a new station-admin key and nothing else on standard output (for
/// a script or `kubectl exec`), says on standard error what it is, and makes a new one
/// each time.
#[test]
fn admin_key_prints_a_new_key_each_time() {
    let dir = tempfile::tempdir().unwrap();
    // Where no server ever ran there is nothing to make a key for.
    let out = command_in(dir.path(), "admin-key");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
    assert!(
        !dir.path().join("yishe-data/yishe.db").exists(),
        "and none was made"
    );
    // An installation: the retention run opens (and makes) it.
    let out = command_in(dir.path(), "purge");
    assert!(out.status.success());
    let mut secrets = Vec::new();
    for _ in 0..2 {
        let out = command_in(dir.path(), "admin-key");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let secret = stdout.trim();
        assert!(
            secret.starts_with("ysk_") && !secret.contains(char::is_whitespace),
            "{stdout:?}"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("station-admin key for station main")
        );
        secrets.push(secret.to_owned());
    }
    assert_ne!(secrets[0], secrets[1]);
}

/// A `YISHE_*` variable that names no setting (a typo) is named at start, with the
/// setting it most likely meant, instead of being silently ignored.
#[test]
fn a_mistyped_variable_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = server()
        .current_dir(dir.path())
        .env("YISHE_MAX_CONCURENT_REQUESTS", "8")
        .env("YISHE_ADDR", "http://127.0.0.1:50051")
        .arg("purge")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("YISHE_MAX_CONCURENT_REQUESTS (did you mean YISHE_MAX_CONCURRENT_REQUESTS?)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("YISHE_ADDR"),
        "the CLI's own variable: {stderr}"
    );
}
