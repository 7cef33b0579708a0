//! A Yishe binary run as its own process beside a `TestApp`, sharing its database and
//! keyring: what a split deployment or a second replica is.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::TestApp;

/// The child process, killed when the test ends however it ends.
#[derive(Debug)]
pub struct Beside {
    child: Child,
    /// Where it serves gRPC, as `http://host:port`.
    pub grpc: String,
    /// Where it serves metrics, as `host:port`.
    pub metrics: Option<std::net::SocketAddr>,
}

impl Beside {
    /// Starts the binary at `program` over the database and keyring of `app`, with its
    /// own data directory `data_dir`; returns once it printed where it listens.
    pub fn start(program: &str, app: &TestApp, data_dir: &Path) -> Self {
        Self::start_with(program, app, data_dir, &[])
    }

    /// `start`, with the variables `env` set too.
    pub fn start_with(program: &str, app: &TestApp, data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(program);
        for (key, _) in std::env::vars() {
            if key.starts_with("YISHE_") || key == "DATABASE_URL" {
                command.env_remove(key);
            }
        }
        let mut child = command
            .env("YISHE_DATABASE_URL", &app.db.url)
            .env("YISHE_DATA_DIR", data_dir)
            .env(
                "YISHE_ENCRYPTION_KEY_FILE",
                app.process.config.effective_key_file(),
            )
            .env("YISHE_STATION_ID", "s1")
            // The test's clock, and the watches as quick to notice it as the server's.
            .env(
                yishe_runtime::clock::TEST_CLOCK_FILE,
                app.clock.file().expect("the test server's clock is shared"),
            )
            .env("YISHE_SLA_CHECK_INTERVAL_SECS", "1")
            .env("YISHE_GRPC_LISTEN", "127.0.0.1:0")
            .env("YISHE_CONSOLE__LISTEN", "127.0.0.1:0")
            .env("YISHE_HTTP_LISTEN", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{program} starts: {e}"));
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let line = lines
            .next()
            .expect("it prints where it listens")
            .expect("a line of text");
        // The rest is read and dropped: a closed pipe would fail the child's next print.
        std::thread::spawn(move || lines.for_each(drop));
        let addr = line
            .split("gRPC on ")
            .nth(1)
            .and_then(|rest| rest.split([',', ' ']).next())
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_owned();
        let metrics = line
            .split("metrics on http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|addr| addr.parse().ok());
        Self {
            child,
            grpc: format!("http://{addr}"),
            metrics,
        }
    }

    /// SIGKILL: the process ends at once, mid-request, with nothing flushed or drained.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A binary of the workspace, built beside the running test's own (`cargo test
/// --workspace` builds every one).
pub fn workspace_binary(name: &str) -> PathBuf {
    let dir = std::env::current_exe()
        .expect("the test knows where it runs")
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps")
        .to_path_buf();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build --workspace` (or `cargo test --workspace`) first",
        path.display()
    );
    path
}

impl Drop for Beside {
    fn drop(&mut self) {
        self.kill();
    }
}
