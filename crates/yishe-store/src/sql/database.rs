//! The `Database` of one engine: transactions on the writer, the maintenance
//! primitives, and whether it answers.

macro_rules! impl_database {
    ($name:ident, $tx:ident, engine = $engine:expr, writer = $writer:ident, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::Transactions for $name {
            async fn begin(&self) -> crate::Result<Box<dyn crate::Tx>> {
                let tx = self
                    .$writer
                    .begin_with(BEGIN_WRITE)
                    .await
                    .map_err(|e| crate::Error::from_sqlx(e, "database"))?;
                Ok(Box::new($tx {
                    tx,
                    crypto: self.crypto.clone(),
                    appended_events: false,
                    changed_keys: false,
                    local: self.local.clone(),
                }))
            }
        }

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

            async fn close(&self) {
                self.$readers.close().await;
                self.$writer.close().await;
            }
        }
    };
}

pub(crate) use impl_database;
