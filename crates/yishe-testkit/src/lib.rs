//! Test support at the storage level: throwaway databases on both engines
//! (`TestDatabase`, a throwaway PostgreSQL cluster when no server is given) and a
//! macro that runs one test body on each engine, and a clock a test can move. It links no service: the store's own
//! tests build without them. A real server is `yishe-testserver`'s.

mod clock;
mod cluster;
mod database;

pub use clock::TestClock;
pub use cluster::Cluster;
pub use database::{Engine, TestDatabase};

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
