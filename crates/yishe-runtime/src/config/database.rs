//! Where the data lives.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseConfig {
    /// Where the embedded database, the admin key file and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite:` or `postgres:` URL; empty means SQLite in `data_dir`.
    pub database_url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./yishe-data"),
            database_url: String::new(),
        }
    }
}

impl DatabaseConfig {
    /// The database to use: the configured URL, or the SQLite file in `data_dir`.
    pub fn effective_database_url(&self) -> String {
        let url = self.database_url.trim();
        if url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("yishe.db").display())
        } else {
            url.to_owned()
        }
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        let url = self.database_url.trim();
        let known = ["sqlite:", "postgres:", "postgresql:"];
        if !(url.is_empty() || known.iter().any(|scheme| url.starts_with(scheme))) {
            return Err(
                "database_url must be empty (embedded SQLite) or start with sqlite: or postgres:"
                    .into(),
            );
        }
        Ok(())
    }
}
