//! A throwaway PostgreSQL cluster for machines without a test server: `initdb` into a
//! temporary directory, `pg_ctl start` on a free port, and a watchdog that stops the
//! cluster and removes the directory when the test process exits.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug)]
pub(crate) struct Cluster {
    port: u16,
}

impl Cluster {
    pub(crate) fn start() -> Result<Self, String> {
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
        let data = dir.join("data");
        let port = free_port()?;
        let run = |args: &[&str]| -> Result<(), String> {
            let mut cmd = if as_root {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]);
                c.arg(bin.join(args[0]));
                c
            } else {
                Command::new(bin.join(args[0]))
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
        };
        let data_s = data.to_string_lossy().to_string();
        let dir_s = dir.to_string_lossy().to_string();
        run(&[
            "initdb",
            "-D",
            &data_s,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ])?;
        let opts = format!("-p {port} -k {dir_s} -c listen_addresses=127.0.0.1 -c fsync=off");
        let log = dir.join("log").to_string_lossy().to_string();
        run(&[
            "pg_ctl", "-D", &data_s, "-l", &log, "-o", &opts, "-w", "start",
        ])?;
        spawn_watchdog(&bin, &data, &dir, as_root);
        Ok(Self { port })
    }

    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
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
