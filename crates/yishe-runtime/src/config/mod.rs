//! Configuration: defaults, then an optional TOML file, then `YISHE_*` environment
//! variables (and `DATABASE_URL`), then validation. Bad configuration is reported
//! clearly and the process exits with 64 (EX_USAGE).
//!
//! The settings are grouped in one section per area (server, telemetry, database,
//! station, security, referral, retention, assessment, closure). The sections are flattened:
//! the names a file and the environment use are the same flat names as ever
//! (`max_concurrent_requests`, `YISHE_MAX_CONCURRENT_REQUESTS`; nested settings with
//! `__`, such as `YISHE_JWT__ISSUER`), because deployments and scripts depend on
//! them. The set of names is derived from the structs themselves, so none can be
//! forgotten: a file naming an unknown setting is refused, and an unknown `YISHE_*`
//! variable is named in a warning at start.

mod assessment;
mod audit;
mod closure;
mod console;
mod database;
mod jwt;
mod limits;
mod names;
mod referral;
mod retention;
mod secret;
mod security;
mod server;
mod station;
mod telemetry;
mod tls;

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Whether the environment variable `name` (`YISHE_GRPC_LISTEN`) sets a setting of
/// the server: deployment files are checked against it.
pub fn is_setting_variable(name: &str) -> bool {
    name.strip_prefix("YISHE_")
        .is_some_and(names::is_setting_variable)
}

pub use assessment::AssessmentConfig;
pub use audit::AuditConfig;
pub use closure::ClosureConfig;
pub use console::{ConsoleConfig, Oidc};
pub use database::DatabaseConfig;
pub use jwt::{JwtConfig, JwtKey};
pub use limits::LimitsConfig;
pub use referral::ReferralConfig;
pub use retention::RetentionConfig;
pub use secret::Secret;
pub use security::SecurityConfig;
pub use server::ServerConfig;
pub use station::StationConfig;
pub use telemetry::{LogFormat, TelemetryConfig};
pub use tls::TlsConfig;

/// The exit code for bad configuration (EX_USAGE).
pub const EXIT_BAD_CONFIG: i32 = 64;

/// Everything a Yishe process can be told.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Config {
    #[serde(flatten)]
    pub server: ServerConfig,
    #[serde(flatten)]
    pub telemetry: TelemetryConfig,
    #[serde(flatten)]
    pub database: DatabaseConfig,
    #[serde(flatten)]
    pub station: StationConfig,
    #[serde(flatten)]
    pub security: SecurityConfig,
    #[serde(flatten)]
    pub referral: ReferralConfig,
    #[serde(flatten)]
    pub retention: RetentionConfig,
    #[serde(flatten)]
    pub audit: AuditConfig,
    /// The assessment instruments: the station's wording and configurable cut-offs.
    #[serde(default)]
    pub assessment: AssessmentConfig,
    /// Closure and reopening: the reopening period, the satisfaction scale, the
    /// follow-ups per outcome.
    #[serde(default)]
    pub closure: ClosureConfig,
    /// The station's web console.
    #[serde(default)]
    pub console: ConsoleConfig,
    /// `YISHE_*` variables in the environment that name no setting (typos), to be
    /// warned about once logging is up. Not a setting.
    #[serde(skip)]
    pub unknown_variables: Vec<String>,
}

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration: {0}")]
    Load(#[from] Box<figment::Error>),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults, then the file named by `YISHE_CONFIG` (if any), then the environment.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var_os("YISHE_CONFIG").map(PathBuf::from);
        Self::load_from(file.as_deref())
    }

    pub fn load_from(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut config: Config = Self::figment(file)?
            .extract()
            .map_err(|e| ConfigError::Load(Box::new(e)))?;
        config.unknown_variables = names::unknown_variables();
        config.validate()?;
        Ok(config)
    }

    /// The layers, before extraction and validation.
    fn figment(file: Option<&Path>) -> Result<Figment, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::Invalid(format!(
                    "config file {} does not exist",
                    file.display()
                )));
            }
            let toml = Toml::file(file);
            names::refuse_unknown_settings(&toml, file)?;
            figment = figment.merge(toml);
        }
        // DATABASE_URL is the common convention; YISHE_DATABASE_URL wins over it.
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(("database_url", url));
        }
        // Only the settings' own names: other YISHE_* variables (the CLI's address and
        // key, the test suite's database) share the environment.
        Ok(figment.merge(
            Env::prefixed("YISHE_")
                .filter(|key| names::is_setting_variable(key.as_str()))
                .split("__"),
        ))
    }

    /// Checks what serde cannot, section by section.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.station
            .validate()
            .and_then(|()| self.database.validate())
            .and_then(|()| self.server.validate())
            .and_then(|()| self.telemetry.validate())
            .and_then(|()| self.referral.validate())
            .and_then(|()| self.retention.validate())
            .and_then(|()| self.audit.validate())
            .and_then(|()| self.assessment.validate())
            .and_then(|()| self.closure.validate())
            .and_then(|()| self.console.validate())
            .and_then(|()| self.security.validate())
            .map_err(ConfigError::Invalid)
    }

    /// Where the keyring file is (or will be created).
    pub fn effective_key_file(&self) -> PathBuf {
        self.security.effective_key_file(&self.database.data_dir)
    }

    /// Loads the configuration or exits 64 with the reason on stderr.
    pub fn load_or_exit() -> Self {
        match Self::load() {
            Ok(config) => config,
            Err(error) => {
                eprintln!("yishe: {error}");
                std::process::exit(EXIT_BAD_CONFIG);
            }
        }
    }
}

#[cfg(test)]
// figment's `Jail` closures return figment's own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use std::time::Duration;

    use figment::Jail;
    use figment::value::Value;

    use super::*;

    #[test]
    fn defaults_are_valid_and_embedded() {
        let c = Config::default();
        c.validate().unwrap();
        assert_eq!(
            c.database.effective_database_url(),
            "sqlite://./yishe-data/yishe.db"
        );
        assert_eq!(c.server.grpc_listen.to_string(), "127.0.0.1:50051");
        assert_eq!(c.server.http_listen.to_string(), "127.0.0.1:9464");
    }

    #[test]
    fn a_file_overrides_defaults_and_bad_values_are_refused() {
        Jail::expect_with(|jail| {
            let file = jail.directory().join("yishe.toml");
            std::fs::write(&file, "station_id = \"east\"\nmax_concurrent_requests = 8\n[acceptance_deadlines]\nemergency = 600\nurgent = 3600\nroutine = 7200\n").unwrap();
            let c = Config::load_from(Some(&file)).unwrap();
            assert_eq!(c.station.station_id, "east");
            assert_eq!(c.server.max_concurrent_requests, 8);
            assert_eq!(
                c.referral.acceptance_deadlines.emergency,
                Duration::from_secs(600)
            );

            std::fs::write(&file, "station_id = \"has space\"\n").unwrap();
            assert!(matches!(
                Config::load_from(Some(&file)),
                Err(ConfigError::Invalid(_))
            ));
            for unknown in [
                "no_such_setting = 1\n",
                "[jwt]\nissuers = \"x\"\n",
                "[assessment]\ndistres_threshold = 5\n",
            ] {
                std::fs::write(&file, unknown).unwrap();
                let refused = Config::load_from(Some(&file));
                assert!(matches!(refused, Err(ConfigError::Load(_))), "{unknown}");
            }
            std::fs::write(&file, "max_concurent_requests = 8\n").unwrap();
            let typo = Config::load_from(Some(&file)).unwrap_err().to_string();
            assert!(
                typo.contains("unknown setting `max_concurent_requests` (did you mean `max_concurrent_requests`?)"),
                "{typo}"
            );
            assert!(Config::load_from(Some(&jail.directory().join("missing.toml"))).is_err());
            Ok(())
        });
    }

    /// Every setting the structs declare, nested ones included, is read from its
    /// `YISHE_*` variable: the test walks the defaults, sets each variable to another
    /// value, and finds that value in the configuration.
    #[test]
    fn every_setting_can_be_set_from_the_environment() {
        let defaults = Value::serialize(Config::default()).unwrap();
        let settings = names::leaves(&defaults);
        assert!(settings.len() >= 30, "{settings:?}");
        for (path, default) in settings {
            Jail::expect_with(|jail| {
                let (text, expected) = another_value(&path, &default);
                let variable = format!("YISHE_{}", path.replace('.', "__").to_uppercase());
                jail.set_env(&variable, &text);
                let config: Config = Config::figment(None)
                    .unwrap()
                    .extract()
                    .unwrap_or_else(|e| panic!("{variable}={text}: {e}"));
                let read = Value::serialize(config).unwrap();
                let found = read.find_ref(&path).expect("the setting is still there");
                // Compared as JSON: the same number may come back as another width.
                let json = |v: &Value| serde_json::to_value(v).unwrap();
                assert_eq!(
                    json(found),
                    json(&expected),
                    "{variable}={text} was not read"
                );
                Ok(())
            });
        }
    }

    /// The README's table of settings names every one: by its path (`limits.lockout_secs`),
    /// by a path it lies under (`closure.follow_up_days` for each outcome's days), or
    /// as `.name` beside its sibling (`acceptance_deadlines.emergency` / `.urgent`).
    #[test]
    fn the_readme_documents_every_setting() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"));
        let section = readme
            .split("\n## Configuration")
            .nth(1)
            .expect("the README has a Configuration section");
        // Up to the next section (its own subsections included).
        let table = section.split("\n## ").next().unwrap();
        let named = |path: &str| table.contains(&format!("`{path}`"));
        let defaults = Value::serialize(Config::default()).unwrap();
        let undocumented: Vec<String> = names::leaves(&defaults)
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| {
                let segments: Vec<&str> = path.split('.').collect();
                let under = (1..=segments.len()).any(|n| named(&segments[..n].join(".")));
                let last = segments.last().unwrap();
                !(under || table.contains(&format!("`.{last}`")))
            })
            .collect();
        assert!(
            undocumented.is_empty(),
            "settings the README does not name: {undocumented:?}"
        );
    }

    /// A value for `path` other than its default, as an environment variable spells it,
    /// and as it then reads back.
    fn another_value(path: &str, default: &Value) -> (String, Value) {
        let parsed = |text: &str| (text.to_owned(), text.parse::<Value>().unwrap());
        match default {
            Value::Bool(_, b) => parsed(&(!b).to_string()),
            Value::Num(_, n) => {
                let next = n.to_u128_lossy().expect("settings are counts") + 1;
                parsed(&next.to_string())
            }
            Value::String(_, _) if path == "log_format" => parsed("json"),
            Value::String(_, _) if path == "audit_chain_hash" => parsed("sm3"),
            Value::String(_, _) if path == "encryption_algorithm" => parsed("sm4-gcm"),
            Value::String(_, _) if path == "time_zone" => parsed("Asia/Urumqi"),
            Value::String(_, _)
                if path.starts_with("console.oidc_") && path.ends_with("endpoint") =>
            {
                parsed("https://idp.hospital.test/x")
            }
            Value::String(_, s) if s.parse::<std::net::SocketAddr>().is_ok() => {
                parsed("127.0.0.1:1")
            }
            Value::String(_, s) => {
                let text = format!("{s}x");
                (text.clone(), Value::from(text))
            }
            Value::Empty(_, _) => (String::from("x"), Value::from("x")),
            Value::Array(_, _) if path == "jwt.keys" => {
                parsed(r#"[{kid = "k1", algorithm = "EdDSA", public_key_pem = "pem"}]"#)
            }
            Value::Array(_, _) if path == "assessment.retired_instrument_versions" => {
                parsed(r#"["cssrs_screener@1"]"#)
            }
            // An empty list (no follow-ups after a death): a list of one number.
            Value::Array(_, items) if items.is_empty() => parsed("[1]"),
            Value::Array(_, items) => {
                let last = items.last().expect("a list setting with a default");
                let text = format!("[{}]", serde_json::to_string(last).unwrap());
                parsed(&text)
            }
            Value::Dict(..) | Value::Char(..) => unreachable!("no setting is a section or a char"),
        }
    }

    #[test]
    fn unknown_variables_are_named_and_client_ones_are_not() {
        Jail::expect_with(|jail| {
            jail.set_env("YISHE_MAX_CONCURENT_REQUESTS", "8");
            jail.set_env("YISHE_JWT__ISUER", "x");
            jail.set_env("YISHE_ADDR", "http://127.0.0.1:50051");
            jail.set_env("YISHE_KEY", "ysk_x");
            jail.set_env("YISHE_STATION_ID", "east");
            let c = Config::load_from(None).unwrap();
            assert_eq!(c.station.station_id, "east");
            assert_eq!(c.server.max_concurrent_requests, 256);
            let unknown: Vec<&str> = c.unknown_variables.iter().map(String::as_str).collect();
            assert_eq!(
                unknown,
                [
                    "YISHE_JWT__ISUER (did you mean YISHE_JWT__ISSUER?)",
                    "YISHE_MAX_CONCURENT_REQUESTS (did you mean YISHE_MAX_CONCURRENT_REQUESTS?)",
                ]
            );
            Ok(())
        });
    }

    #[test]
    fn secrets_never_print() {
        let mut c = Config::default();
        c.security.encryption_keys = Secret::new("current = \"k1\"\nk1 = \"c2VjcmV0\"");
        c.security.jwt.keys.push(JwtKey {
            kid: "k1".into(),
            algorithm: "EdDSA".into(),
            public_key_pem: "-----BEGIN PUBLIC KEY-----".into(),
        });
        let shown = format!("{c:?}");
        assert!(!shown.contains("c2VjcmV0") && !shown.contains("BEGIN PUBLIC KEY"));
    }
}
