//! A throwaway PostgreSQL cluster for machines without a test server: `initdb` into a
//! temporary directory, `pg_ctl start` on a free port, and a watchdog that stops the
//! cluster and removes the directory when the test process exits.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A PostgreSQL cluster of this test process. The machine's server is shared by every
/// test, so a test that stops its database (to see Yishe ride out an outage) starts one
/// of these for itself.
#[derive(Debug)]
pub struct Cluster {
    port: u16,
    bin: PathBuf,
    data: PathBuf,
    /// The socket directory and log beside the data.
    dir: PathBuf,
    as_root: bool,
}

impl Cluster {
    /// `initdb` into a temporary directory and start on a free port; stopped and
    /// removed when the test process exits.
    pub fn start() -> Result<Self, String> {
        let bin = find_bin_dir().ok_or("initdb and pg_ctl are not installed")?;
        let dir = tempfile::Builder::new()
            .prefix("yishe-pg-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let as_root = is_root();
        if as_root {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            chown_to_postgres(&dir)?;
        }
        let cluster = Self {
            port: free_port()?,
            data: dir.join("data"),
            bin,
            dir,
            as_root,
        };
        let data = cluster.data.to_string_lossy().to_string();
        cluster.run(&[
            "initdb",
            "-D",
            &data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ])?;
        cluster.resume()?;
        spawn_watchdog(&cluster.bin, &cluster.data, &cluster.dir, as_root);
        Ok(cluster)
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, as in a restart).
    pub fn stop(&self) -> Result<(), String> {
        let data = self.data.to_string_lossy().to_string();
        self.run(&["pg_ctl", "-D", &data, "-m", "fast", "-w", "stop"])
    }

    /// Starts the server again on the same port and data.
    pub fn resume(&self) -> Result<(), String> {
        let data = self.data.to_string_lossy().to_string();
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").to_string_lossy().to_string();
        self.run(&[
            "pg_ctl", "-D", &data, "-l", &log, "-o", &opts, "-w", "start",
        ])
    }

    fn run(&self, args: &[&str]) -> Result<(), String> {
        let mut cmd = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]);
            c.arg(self.bin.join(args[0]));
            c
        } else {
            Command::new(self.bin.join(args[0]))
        };
        let out = cmd
            .args(&args[1..])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{}: {e}", args[0]))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{} failed: {}",
                args[0],
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
    });
    on_path.or_else(|| {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .collect();
        dirs.sort();
        dirs.pop()
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chown_to_postgres(dir: &Path) -> Result<(), String> {
    let status = Command::new("chown")
        .args(["postgres:", &dir.to_string_lossy()])
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err("cannot hand the cluster directory to postgres".into())
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Stops the cluster once this process is gone, whatever way it ends.
fn spawn_watchdog(bin: &Path, data: &Path, dir: &Path, as_root: bool) {
    let pg_ctl = bin.join("pg_ctl");
    let stop = if as_root {
        format!(
            "runuser -u postgres -- {} -D {} stop -m immediate",
            pg_ctl.display(),
            data.display()
        )
    } else {
        format!(
            "{} -D {} stop -m immediate",
            pg_ctl.display(),
            data.display()
        )
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    let _ = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
