//! Yishe all-in-one: every service in one process over one database (embedded SQLite
//! by default), as started by `cargo run --release`.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;
use yishe_directory::FirstAdminKey;
use yishe_domain::{Clock, SystemClock};
use yishe_runtime::{Config, Process, Register, Services, Shutdown, StartError};

/// Every service of the all-in-one server. A new service is one more line.
pub const SERVICES: &[Register] = &[
    yishe_referral::register,
    yishe_directory::register,
    yishe_audit::register,
    yishe_assessment::register,
    yishe_plan::register,
    yishe_followup::register,
    yishe_report::register,
];

/// A running server.
#[derive(Debug)]
pub struct Running {
    pub grpc_addr: SocketAddr,
    pub http_addr: SocketAddr,
    /// The station's web console, when served.
    pub console_addr: Option<SocketAddr>,
    /// The station-admin key made on first start, if this was one.
    pub first_admin_key: Option<FirstAdminKey>,
    pub process: Process,
    serving: JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Running {
    /// Waits until the server has shut down and drained.
    pub async fn wait(self) -> Result<(), tonic::transport::Error> {
        let result = match self.serving.await {
            Ok(result) => result,
            Err(join) => {
                tracing::error!(error = %join, "server task failed");
                Ok(())
            }
        };
        self.process.store.close().await;
        result
    }
}

/// Opens the database, makes the first admin key if needed, binds the listeners and
/// starts serving every service; every deadline and audit row reads `clock`.
pub async fn start(
    config: Config,
    shutdown: Shutdown,
    clock: Arc<dyn Clock>,
) -> Result<Running, StartError> {
    let process = Process::open(config, shutdown.clone(), clock).await?;
    let c = &process.config;
    let bootstrap = async {
        yishe_directory::register_station(
            &process.store,
            process.clock.as_ref(),
            &c.station.station(),
        )
        .await?;
        yishe_directory::ensure_admin_key(
            &process.store,
            process.clock.as_ref(),
            &c.station.station(),
            &c.database.data_dir,
        )
        .await
    };
    let first_admin_key = bootstrap.await.map_err(|e| match e {
        yishe_directory::Error::Store(s) => StartError::Database(s),
        other => StartError::DataDir {
            path: c.database.data_dir.display().to_string(),
            source: std::io::Error::other(other.to_string()),
        },
    })?;
    let mut services = Services::default();
    for register in SERVICES {
        register(&process, &mut services)?;
    }
    let app = process.app(services);

    let listeners = process.bind().await?;
    let grpc_addr = listeners.grpc_addr();
    let http_addr = listeners.http_addr();
    let console_addr = listeners.console_addr();
    let serving = tokio::spawn(listeners.serve(app));
    tracing::info!(%grpc_addr, %http_addr, "yishe is serving");
    Ok(Running {
        grpc_addr,
        http_addr,
        console_addr,
        first_admin_key,
        process,
        serving,
    })
}

/// Runs a one-off command instead of serving: `purge` (one retention run now),
/// `admin-key` (a new station-admin key, its secret alone on standard output) or
/// `backup <file>` (the embedded database copied to a new file while it serves) or
/// `migrate-to-postgres <url>` (the embedded database copied into a new PostgreSQL
/// database).
pub async fn run_command(args: &[String], config: Config) -> std::process::ExitCode {
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["migrate-to-postgres", url] => match migrate_to_postgres(config, url).await {
            Ok((moved, verified)) => {
                for (table, rows) in &moved.tables {
                    println!("{table}\t{rows}");
                }
                let rows: u64 = moved.tables.iter().map(|(_, rows)| rows).sum();
                eprintln!(
                    "yishe: {rows} rows in {} tables copied to PostgreSQL; the audit chain \
                     verifies there ({} links, head {}, {} rows still to seal). Set \
                     database_url to the new database, keep the same keyring (its records \
                     are sealed with it), and start the server (OPERATIONS.md, \"Moving to \
                     PostgreSQL\")",
                    moved.tables.len(),
                    verified.verified,
                    verified.head_hash,
                    verified.unsealed,
                );
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("yishe: moving to PostgreSQL: {error}");
                std::process::ExitCode::FAILURE
            }
        },
        ["backup", file] => match backup(config, std::path::Path::new(file)).await {
            Ok(()) => {
                println!("yishe: the database was copied to {file}");
                eprintln!(
                    "yishe: the keyring is not in it: keep a copy of the keyring apart \
                     from this file (OPERATIONS.md, \"Backup and restore\")"
                );
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("yishe: backup failed: {error}");
                std::process::ExitCode::FAILURE
            }
        },
        ["admin-key"] => match admin_key(config).await {
            Ok((secret, station)) => {
                println!("{secret}");
                eprintln!(
                    "yishe: a new station-admin key for station {station} (above): store it \
                     now, it is not shown again; revoke keys nobody holds (yishe key list)"
                );
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("yishe: cannot make a station-admin key: {error}");
                std::process::ExitCode::FAILURE
            }
        },
        ["purge"] => match purge(config).await {
            Ok(n) => {
                println!("yishe: retention: {n} closed referrals anonymised");
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("yishe: retention run failed: {error}");
                std::process::ExitCode::FAILURE
            }
        },
        ref other => {
            eprintln!(
                "yishe: unknown command {other:?}; usage: yishe-server [purge | admin-key | \
                 backup <file> | migrate-to-postgres <postgres-url>]"
            );
            std::process::ExitCode::from(64)
        }
    }
}

/// Copies the embedded database to `file` (a new file), consistent as of one moment,
/// without stopping the server that uses it.
pub async fn backup(config: Config, file: &std::path::Path) -> Result<(), String> {
    existing_installation(&config)?;
    let process = Process::open(config, Shutdown::new(), Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let done = process
        .store
        .backup_into(file)
        .await
        .map_err(|e| e.to_string());
    process.store.close().await;
    done
}

/// Copies the embedded database into the new PostgreSQL database at `postgres_url`
/// (stop the server first: the copy holds the file's write lock while it runs),
/// verifies the audit chain there, and marks the file as moved.
pub async fn migrate_to_postgres(
    config: Config,
    postgres_url: &str,
) -> Result<(yishe_store::Moved, yishe_store::Verification), String> {
    existing_installation(&config)?;
    let source = config.database.effective_database_url();
    if !source.starts_with("sqlite:") {
        return Err(format!(
            "this installation is not on the embedded database (database_url starts with \
             {:?}): there is nothing to move",
            source.split(':').next().unwrap_or_default()
        ));
    }
    if !(postgres_url.starts_with("postgres:") || postgres_url.starts_with("postgresql:")) {
        return Err("the target must be a postgres:// URL".into());
    }
    yishe_store::move_sqlite_to_postgres(&source, postgres_url)
        .await
        .map_err(|e| e.to_string())
}

/// A new station-admin key for the installation's station: its secret, and the station.
pub async fn admin_key(config: Config) -> Result<(String, String), String> {
    existing_installation(&config)?;
    let process = Process::open(config, Shutdown::new(), Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let station = process.config.station.station();
    let secret = yishe_directory::issue_admin_key(&process.store, process.clock.as_ref(), &station)
        .await
        .map_err(|e| e.to_string());
    process.store.close().await;
    Ok((secret?, station.to_string()))
}

/// Refuses a command meant for an installation where there is none: run from the
/// wrong directory or without the server's environment, opening would make an empty
/// database and a new keyring, and the command would "succeed" on them.
fn existing_installation(config: &Config) -> Result<(), String> {
    let url = config.database.effective_database_url();
    let file = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest));
    if let Some(file) = file
        && !std::path::Path::new(file).exists()
    {
        return Err(format!(
            "no database at {file}: run this with the server's configuration (its \
             directory, YISHE_CONFIG or YISHE_* variables)"
        ));
    }
    if let Some(keyring) = config.security.key_file(&config.database.data_dir)
        && !keyring.exists()
    {
        return Err(format!(
            "no keyring at {}: run this with the server's configuration",
            keyring.display()
        ));
    }
    Ok(())
}

/// One retention run now, as the schedule would do it.
pub async fn purge(config: Config) -> Result<usize, String> {
    let process = Process::open(config, Shutdown::new(), Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let purged = yishe_referral::purge_expired(
        &process.store,
        process.clock.as_ref(),
        process.config.retention.retention(),
    )
    .await
    .map_err(|e| e.to_string());
    process.store.close().await;
    purged
}
