//! Test support for Yishe: throwaway databases on both engines (`TestDatabase`), a macro
//! that runs one test body on each engine, and a real server on an ephemeral port
//! (`TestApp`).

mod app;
mod cluster;
mod database;
mod seed;
pub mod tokens;

pub use app::{
    Assessments, Directory, Referrals, TestApp, http_get, https_get, mutual_tls, tls_fixture,
};
pub use database::{Engine, TestDatabase};
pub use seed::Station;

/// Runs each named `async fn(TestDatabase)` once on SQLite and once on PostgreSQL, as
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestDatabase::create($crate::Engine::Sqlite).await.unwrap()).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::TestDatabase::create($crate::Engine::Postgres).await {
                        super::$name(db).await
                    }
                }
            )+
        }
    };
}
