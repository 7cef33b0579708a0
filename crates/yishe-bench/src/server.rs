//! The server under test: the real all-in-one server, on a runtime of its own (threads
//! named `yishe-srv`, so its CPU time can be read apart from the load generator's), over
//! a scratch database: SQLite in a temporary directory, or a new PostgreSQL database.

use std::net::SocketAddr;
use std::sync::Arc;

use sqlx::Connection;
use tonic::transport::Channel;
use yishe_domain::SystemClock;
use yishe_runtime::{Config, Shutdown};
use yishe_store::Store;

/// Which engine a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A running server and what a workload needs to reach it.
pub(crate) struct Server {
    pub(crate) engine: Engine,
    pub(crate) grpc_addr: SocketAddr,
    pub(crate) admin_key: String,
    pub(crate) store: Store,
    /// The database URL, for the SQL mirrors.
    pub(crate) url: String,
    /// The server while it serves (none while a mirror runs).
    serving: Option<Serving>,
    /// For PostgreSQL: the server URL to drop the scratch database through, and its name.
    drop_via: Option<(String, String)>,
    dir: tempfile::TempDir,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("engine", &self.engine)
            .field("grpc_addr", &self.grpc_addr)
            .finish_non_exhaustive()
    }
}

/// One run of the server on the database: its runtime, how to stop it, and where it
/// listens.
struct Serving {
    grpc_addr: SocketAddr,
    store: Store,
    /// The admin key a fresh database is given (none when served again).
    first_admin_key: Option<String>,
    shutdown: Shutdown,
    runtime: tokio::runtime::Runtime,
}

impl Serving {
    /// Starts the all-in-one server on the database at `url`, keeping its files in `dir`.
    async fn start(url: &str, dir: &std::path::Path) -> Result<Self, String> {
        let mut config = Config::default();
        config.database.data_dir = dir.join("data");
        config.database.database_url = url.to_owned();
        config.server.grpc_listen = ([127, 0, 0, 1], 0).into();
        config.server.http_listen = ([127, 0, 0, 1], 0).into();
        // No browser here: the console's listener is not measured.
        config.console.enabled = false;
        config.server.max_concurrent_requests = 4096;
        // One key drives thousands of calls a second here: a rate no credential is
        // allowed in production, but the limiter still counts every call.
        config.security.limits.calls_per_second = 1_000_000;
        config.security.limits.call_burst = 1_000_000;
        config.telemetry.log_level = "warn".into();
        // The sealer still signs its checkpoints; their lines would only break up the
        // table the benchmark prints.
        config.audit.audit_checkpoint_stdout = false;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("yishe-srv")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let shutdown = Shutdown::new();
        let started = runtime
            .spawn(yishe_server::start(
                config,
                shutdown.clone(),
                Arc::new(SystemClock),
            ))
            .await;
        let running = match started {
            Ok(Ok(running)) => running,
            failed => {
                // Dropping a runtime may block, which an async context must not:
                // let it wind down on its own threads, then say why.
                runtime.shutdown_background();
                return Err(match failed {
                    Ok(Err(error)) => format!("the server did not start: {error}"),
                    Err(join) => format!("the server did not start: {join}"),
                    Ok(Ok(_)) => unreachable!("matched above"),
                });
            }
        };
        let first_admin_key = running.first_admin_key.as_ref().map(|k| k.secret.clone());
        let (grpc_addr, store) = (running.grpc_addr, running.process.store.clone());
        runtime.spawn(running.wait());
        Ok(Self {
            grpc_addr,
            store,
            first_admin_key,
            shutdown,
            runtime,
        })
    }

    /// Stops serving and closes the store; the database stays.
    async fn stop(self) {
        self.shutdown.trigger();
        self.store.close().await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        self.runtime.shutdown_background();
    }
}

impl Server {
    /// Starts a server on `engine`; PostgreSQL at `postgres` (an admin URL), where a
    /// scratch database is made.
    pub(crate) async fn start(engine: Engine, postgres: &str) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let (url, drop_via) = match engine {
            Engine::Sqlite => (format!("sqlite://{}/yishe.db", dir.path().display()), None),
            Engine::Postgres => {
                let name = format!("yishe_bench_{}", uuid::Uuid::now_v7().simple());
                let mut admin = sqlx::PgConnection::connect(postgres)
                    .await
                    .map_err(|e| format!("cannot reach PostgreSQL at {postgres}: {e}"))?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .map_err(|e| e.to_string())?;
                let base = postgres
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(postgres);
                (format!("{base}/{name}"), Some((postgres.to_owned(), name)))
            }
        };
        crate::wal::watch((engine == Engine::Postgres).then(|| url.clone()));
        let serving = Serving::start(&url, dir.path()).await?;
        let admin_key = serving
            .first_admin_key
            .clone()
            .ok_or("a fresh database gets an admin key")?;
        Ok(Self {
            engine,
            grpc_addr: serving.grpc_addr,
            admin_key,
            store: serving.store.clone(),
            url,
            serving: Some(serving),
            drop_via,
            dir,
        })
    }

    /// Serves again on the same database after `stop_serving` (on a new port, with
    /// cold caches: a workload warms up before it measures).
    pub(crate) async fn serve_again(&mut self) {
        let serving = Serving::start(&self.url, self.dir.path())
            .await
            .expect("the server starts again on its database");
        (self.grpc_addr, self.store) = (serving.grpc_addr, serving.store.clone());
        self.serving = Some(serving);
    }

    /// A new connection to the server (each caller its own HTTP/2 connection, as
    /// separate HIS nodes and staff clients would have).
    pub(crate) async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.grpc_addr))
            .expect("a valid uri")
            .connect()
            .await
            .expect("connect to the server")
    }

    /// Counts rows with `sql` (a `SELECT COUNT(*)`) on a connection of its own to the
    /// server's database, beside the server.
    pub(crate) async fn count(&self, sql: &str) -> i64 {
        const CONNECT: &str = "connect to the scratch database";
        let counted = match self.engine {
            Engine::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect(CONNECT);
                sqlx::query_scalar(sql).fetch_one(&mut c).await
            }
            Engine::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect(CONNECT);
                sqlx::query_scalar(sql).fetch_one(&mut c).await
            }
        };
        counted.expect("a count")
    }

    /// Stops serving; the database stays for the SQL mirrors.
    pub(crate) async fn stop_serving(&mut self) {
        if let Some(serving) = self.serving.take() {
            serving.stop().await;
        }
    }

    /// Stops serving and removes the database.
    pub(crate) async fn remove(mut self) {
        self.stop_serving().await;
        crate::wal::watch(None);
        if let Some((server, name)) = self.drop_via.take()
            && let Ok(mut admin) = sqlx::PgConnection::connect(&server).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
}
