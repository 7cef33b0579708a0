//! `KeyLookup` in SQL, on the readers' pool, behind the process's key cache.

macro_rules! impl_key_lookup {
    ($name:ident, $db:ty, readers = $readers:ident) => {
        #[::async_trait::async_trait]
        impl crate::KeyLookup for $name {
            async fn find_api_key(
                &self,
                secret_hash: &str,
            ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
                let generation = match self.local.keys.get(secret_hash) {
                    Ok(key) => return Ok(Some(key)),
                    Err(generation) => generation,
                };
                let sql = format!("{} WHERE secret_hash = $1", crate::sql::SELECT_API_KEY);
                let row: Option<crate::rows::ApiKeyRow> = ::sqlx::query_as(&sql)
                    .bind(secret_hash)
                    .fetch_optional(&self.$readers)
                    .await?;
                let key: Option<::yishe_domain::directory::ApiKey> =
                    row.map(TryInto::try_into).transpose()?;
                if let Some(key) = &key {
                    self.local.keys.remember(secret_hash, key, generation);
                }
                Ok(key)
            }

            async fn find_api_key_by_certificate(
                &self,
                names: &[String],
            ) -> crate::Result<Option<::yishe_domain::directory::ApiKey>> {
                if names.is_empty() {
                    return Ok(None);
                }
                // Names cannot be mistaken for a secret's hash (hex, no separator).
                let lookup = format!("cert:{}", names.join("\u{1f}"));
                let generation = match self.local.keys.get(&lookup) {
                    Ok(key) => return Ok(Some(key)),
                    Err(generation) => generation,
                };
                let mut q = ::sqlx::QueryBuilder::<$db>::new(crate::sql::SELECT_API_KEY);
                q.push(" WHERE certificate_subject IN (");
                let mut list = q.separated(", ");
                for name in names {
                    list.push_bind(name.clone());
                }
                q.push(") ORDER BY id LIMIT 1");
                let row: Option<crate::rows::ApiKeyRow> =
                    q.build_query_as().fetch_optional(&self.$readers).await?;
                let key: Option<::yishe_domain::directory::ApiKey> =
                    row.map(TryInto::try_into).transpose()?;
                if let Some(key) = &key {
                    self.local.keys.remember(&lookup, key, generation);
                }
                Ok(key)
            }

            async fn worker_deactivated(
                &self,
                worker: ::yishe_domain::SocialWorkerId,
            ) -> crate::Result<bool> {
                let active: Option<bool> =
                    ::sqlx::query_scalar("SELECT active FROM social_workers WHERE id = $1")
                        .bind(worker.as_uuid())
                        .fetch_optional(&self.$readers)
                        .await?;
                Ok(active == Some(false))
            }
        }
    };
}

pub(crate) use impl_key_lookup;
