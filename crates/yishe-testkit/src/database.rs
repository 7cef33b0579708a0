//! A fresh, empty database per test: a SQLite file in a temporary directory, or a new
//! PostgreSQL database on the test server.

use std::sync::OnceLock;

use sqlx::Connection;

use crate::cluster::Cluster;

/// The engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed afterwards.
#[derive(Debug)]
pub struct TestDatabase {
    pub engine: Engine,
    /// The URL to connect to.
    pub url: String,
    /// The directory the SQLite file lives in (kept alive with the database).
    pub dir: Option<tempfile::TempDir>,
    /// For PostgreSQL: the server URL to drop the database through, and its name.
    drop_via: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh database on `engine`. For PostgreSQL, `None` when no server can be had
    /// (after printing a loud warning); with `YISHE_REQUIRE_POSTGRES=1` that panics.
    pub async fn create(engine: Engine) -> Option<Self> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}/yishe.db", dir.path().display());
                Some(Self {
                    engine,
                    url,
                    dir: Some(dir),
                    drop_via: None,
                })
            }
            Engine::Postgres => {
                let server = postgres_server()?;
                let name = format!("yishe_test_{}", uuid::Uuid::now_v7().simple());
                let mut admin = sqlx::PgConnection::connect(&server)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL server: {e}"));
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create the test database");
                let _ = admin.close().await;
                let url = replace_database(&server, &name);
                Some(Self {
                    engine,
                    url,
                    dir: None,
                    drop_via: Some((server, name)),
                })
            }
        }
    }
}

impl TestDatabase {
    /// Runs `statements` directly on the database, behind the application's back (for
    /// tests that tamper); stops at the first error and returns it as text.
    pub async fn execute(&self, statements: &[&str]) -> Result<(), String> {
        match self.engine {
            Engine::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                for sql in statements {
                    sqlx::query(sql)
                        .execute(&mut c)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            Engine::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                for sql in statements {
                    sqlx::query(sql)
                        .execute(&mut c)
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(())
    }

    /// Runs a query behind the application's back and returns its first column as text,
    /// one string per row (for tests that look at what is really stored).
    pub async fn texts(&self, sql: &str) -> Result<Vec<String>, String> {
        match self.engine {
            Engine::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query_scalar(sql)
                    .fetch_all(&mut c)
                    .await
                    .map_err(|e| e.to_string())
            }
            Engine::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query_scalar(sql)
                    .fetch_all(&mut c)
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// The statement that lets a test edit an append-only audit table (`audit_log`,
    /// `audit_sightings`): it drops (SQLite) or disables (PostgreSQL) the table's
    /// no-update trigger, as someone with owner rights could.
    pub fn allow_edits_to(&self, table: &str) -> String {
        match self.engine {
            Engine::Sqlite => format!("DROP TRIGGER {table}_no_update"),
            Engine::Postgres => format!("ALTER TABLE {table} DISABLE TRIGGER {table}_no_update"),
        }
    }
}

impl TestDatabase {
    /// The statement that lets a test delete from an append-only audit table
    /// (`audit_log`, `audit_chain`): as `allow_edits_to`, for deletes.
    pub fn allow_deletes_from(&self, table: &str) -> String {
        match self.engine {
            Engine::Sqlite => format!("DROP TRIGGER {table}_no_delete"),
            Engine::Postgres => format!("ALTER TABLE {table} DISABLE TRIGGER {table}_no_update"),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.drop_via.take() else {
            return;
        };
        // Drop is synchronous and may run inside a runtime: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut admin)
                                .await;
                    }
                });
            }
        })
        .join();
    }
}

/// The admin URL of the test PostgreSQL server: `YISHE_TEST_DATABASE_URL`, else a
/// throwaway cluster started once per test process, else `None` (loudly).
fn postgres_server() -> Option<String> {
    static SERVER: OnceLock<Option<String>> = OnceLock::new();
    let server = SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("YISHE_TEST_DATABASE_URL")
            && !url.trim().is_empty()
        {
            return Some(url);
        }
        match Cluster::start() {
            Ok(cluster) => Some(cluster.url()),
            Err(why) => {
                eprintln!(
                    "\n==================== POSTGRESQL TESTS SKIPPED ====================\n\
                     no YISHE_TEST_DATABASE_URL and no throwaway cluster: {why}\n\
                     set YISHE_TEST_DATABASE_URL=postgres://user@host:port/db to run them\n\
                     ==================================================================\n"
                );
                None
            }
        }
    });
    if server.is_none() && std::env::var("YISHE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("YISHE_REQUIRE_POSTGRES=1 but no PostgreSQL server is available for the tests");
    }
    server.clone()
}

/// `url` with its database name replaced by `name` (query parameters kept).
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host_part = match path_start {
        Some(i) => &base[..i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn replaces_only_the_database_name() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            replace_database("postgres://u:p@h:1/db?sslmode=disable", "t2"),
            "postgres://u:p@h:1/t2?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
