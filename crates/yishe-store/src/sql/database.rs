//! The `Database` of one engine: the maintenance primitives, and whether it answers.
//! (Each engine starts its transactions its own way, in `sqlite.rs` and `postgres.rs`.)

macro_rules! impl_database {
    ($name:ident, engine = $engine:expr, writer = $writer:ident, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::Maintenance for $name {
            fn crypto(&self) -> &::std::sync::Arc<crate::Crypto> {
                &self.crypto
            }

            async fn rows_by_key(&self, table: &str) -> crate::Result<Vec<(Option<String>, i64)>> {
                // `table` comes from the store's own list of sealed tables, never from a caller.
                let sql = format!("SELECT key_id, COUNT(*) FROM {table} GROUP BY key_id");
                Ok(::sqlx::query_as(&sql).fetch_all(&self.$readers).await?)
            }
        }

        #[::async_trait::async_trait]
        impl crate::Database for $name {
            fn engine(&self) -> crate::Engine {
                $engine
            }

            async fn ping(&self) -> crate::Result<()> {
                ::sqlx::query("SELECT 1").execute(&self.$readers).await?;
                Ok(())
            }

            async fn backup_into(&self, path: &::std::path::Path) -> crate::Result<()> {
                self.backup_file(path).await
            }

            async fn close(&self) {
                self.$readers.close().await;
                self.$writer.close().await;
            }
        }
    };
}

pub(crate) use impl_database;
