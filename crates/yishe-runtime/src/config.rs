//! Configuration: defaults, then an optional TOML file, then `YISHE_*` environment
//! variables (and `DATABASE_URL`), then validation. Bad configuration is reported
//! clearly and the process exits with 64 (EX_USAGE).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use yishe_domain::{AcceptanceDeadlines, StationId};

/// The exit code for bad configuration (EX_USAGE).
pub const EXIT_BAD_CONFIG: i32 = 64;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

/// Everything a Yishe process can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the embedded database, the admin key file and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite:` or `postgres:` URL; empty means SQLite in `data_dir`.
    pub database_url: String,
    /// The gRPC listener.
    pub grpc_listen: SocketAddr,
    /// The HTTP listener for `/metrics` and `/healthz`.
    pub http_listen: SocketAddr,
    /// The station this installation serves; referrals without a station go here.
    pub station_id: String,
    pub log_format: LogFormat,
    /// A tracing filter, such as `info` or `yishe=debug,info`.
    pub log_level: String,
    /// Longest a unary call may take, in seconds.
    pub request_timeout_secs: u64,
    /// Calls handled at once; more are refused at once with RESOURCE_EXHAUSTED.
    pub max_concurrent_requests: usize,
    /// How long in-flight calls may take to finish after a shutdown signal, in seconds.
    pub shutdown_grace_secs: u64,
    /// How often overdue referrals are looked for, in seconds.
    pub sla_check_interval_secs: u64,
    /// Acceptance deadline per priority, in seconds.
    pub acceptance_deadlines: AcceptanceDeadlines,
    /// Staff tokens (JWTs) from an identity provider; off while `issuer` is empty.
    pub jwt: JwtConfig,
    /// The keyring file for encryption at rest; empty means `encryption.keys` in
    /// `data_dir`, created (mode 0600) on first start.
    pub encryption_key_file: PathBuf,
    /// The keyring itself, inline (for keys handed in by the environment as
    /// `YISHE_ENCRYPTION_KEYS`); wins over the file.
    pub encryption_keys: String,
    /// TLS for the listeners, and client certificates for HIS integrations.
    pub tls: TlsConfig,
    /// Days a closed referral keeps its patient details, consent and notes; then
    /// they are removed (audit rows are never removed).
    pub closed_referral_retention_days: u32,
    /// How often the retention job runs, in seconds.
    pub retention_interval_secs: u64,
    /// The assessment instruments: the station's wording and configurable cut-offs.
    pub assessment: AssessmentConfig,
}

/// Settings of the assessment service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessmentConfig {
    /// A folder of the station's licensed wording, one `<instrument>.toml` per
    /// instrument; empty for Yishe's own short topic labels.
    pub wording_dir: PathBuf,
    /// The Distress Thermometer rating at or above which distress is high and a risk
    /// flag is raised (NCCN: 4).
    pub distress_threshold: i32,
}

impl Default for AssessmentConfig {
    fn default() -> Self {
        Self {
            wording_dir: PathBuf::new(),
            distress_threshold: 4,
        }
    }
}

/// TLS (rustls) for the gRPC listener, and optionally the metrics listener; mutual
/// TLS for HIS integrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// The server's certificate chain (PEM); empty serves plaintext.
    pub cert_file: PathBuf,
    /// The server's private key (PEM).
    pub key_file: PathBuf,
    /// Serve `/metrics` and `/healthz` over TLS too, with the same certificate.
    pub metrics: bool,
    /// The CA whose client certificates are accepted (PEM); empty accepts none.
    pub client_ca_file: PathBuf,
    /// Refuse connections without a client certificate.
    pub require_client_cert: bool,
}

impl TlsConfig {
    pub fn enabled(&self) -> bool {
        !self.cert_file.as_os_str().is_empty()
    }

    fn validate(&self) -> Result<(), String> {
        if self.enabled() == self.key_file.as_os_str().is_empty() {
            return Err("tls.cert_file and tls.key_file go together".into());
        }
        let mutual = !self.client_ca_file.as_os_str().is_empty();
        if mutual && !self.enabled() {
            return Err("tls.client_ca_file needs tls.cert_file and tls.key_file".into());
        }
        if self.require_client_cert && !mutual {
            return Err("client certificates need tls.client_ca_file".into());
        }
        if self.metrics && !self.enabled() {
            return Err("tls.metrics needs tls.cert_file and tls.key_file".into());
        }
        Ok(())
    }
}

/// How staff tokens are verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JwtConfig {
    /// The `iss` tokens must carry; empty turns tokens off.
    pub issuer: String,
    /// The `aud` tokens must carry.
    pub audience: String,
    /// Accepted algorithms: any of `EdDSA`, `ES256`, `RS256`.
    pub algorithms: Vec<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds (at most 60).
    pub leeway_secs: u64,
    /// A JWKS file with the identity provider's public keys.
    pub jwks_file: Option<PathBuf>,
    /// Public keys given inline, as PEM.
    pub keys: Vec<JwtKey>,
}

/// One trusted public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtKey {
    /// The `kid` tokens signed with it carry (may be empty if only one key).
    #[serde(default)]
    pub kid: String,
    /// `EdDSA`, `ES256` or `RS256`.
    pub algorithm: String,
    /// The SubjectPublicKeyInfo PEM.
    pub public_key_pem: String,
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            audience: String::new(),
            algorithms: vec!["EdDSA".into(), "ES256".into(), "RS256".into()],
            leeway_secs: 60,
            jwks_file: None,
            keys: Vec::new(),
        }
    }
}

impl JwtConfig {
    pub fn enabled(&self) -> bool {
        !self.issuer.trim().is_empty()
    }

    fn validate(&self) -> Result<(), String> {
        if !self.enabled() {
            return Ok(());
        }
        if self.audience.trim().is_empty() {
            return Err("jwt.audience is required when jwt.issuer is set".into());
        }
        if self.leeway_secs > 60 {
            return Err("jwt.leeway_secs may be at most 60".into());
        }
        if self.algorithms.is_empty() {
            return Err("jwt.algorithms needs at least one of EdDSA, ES256, RS256".into());
        }
        for alg in self
            .algorithms
            .iter()
            .chain(self.keys.iter().map(|k| &k.algorithm))
        {
            if !matches!(alg.as_str(), "EdDSA" | "ES256" | "RS256") {
                return Err(format!(
                    "jwt algorithm {alg:?} is not one of EdDSA, ES256, RS256"
                ));
            }
        }
        if self.jwks_file.is_none() && self.keys.is_empty() {
            return Err("jwt needs public keys: jwt.jwks_file or jwt.keys".into());
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./yishe-data"),
            database_url: String::new(),
            grpc_listen: ([127, 0, 0, 1], 50051).into(),
            http_listen: ([127, 0, 0, 1], 9464).into(),
            station_id: "main".into(),
            log_format: LogFormat::Human,
            log_level: "info".into(),
            request_timeout_secs: 30,
            max_concurrent_requests: 256,
            shutdown_grace_secs: 20,
            sla_check_interval_secs: 30,
            acceptance_deadlines: AcceptanceDeadlines::default(),
            jwt: JwtConfig::default(),
            encryption_key_file: PathBuf::new(),
            encryption_keys: String::new(),
            tls: TlsConfig::default(),
            closed_referral_retention_days: 3650,
            retention_interval_secs: 24 * 3600,
            assessment: AssessmentConfig::default(),
        }
    }
}

/// The names of the settings, as environment variables take them (`YISHE_<NAME>`,
/// nested with `__`, such as `YISHE_ACCEPTANCE_DEADLINES__EMERGENCY`).
const SETTINGS: &[&str] = &[
    "data_dir",
    "database_url",
    "grpc_listen",
    "http_listen",
    "station_id",
    "log_format",
    "log_level",
    "request_timeout_secs",
    "max_concurrent_requests",
    "shutdown_grace_secs",
    "sla_check_interval_secs",
    "acceptance_deadlines",
    "jwt",
    "encryption_key_file",
    "encryption_keys",
    "tls",
    "closed_referral_retention_days",
    "retention_interval_secs",
    "assessment",
];

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
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::Invalid(format!(
                    "config file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        // DATABASE_URL is the common convention; YISHE_DATABASE_URL wins over it.
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(("database_url", url));
        }
        // Only the settings' own names: other YISHE_* variables (the CLI's address and
        // key, the test suite's database) may share the environment.
        figment = figment.merge(
            Env::prefixed("YISHE_")
                .filter(|key| {
                    SETTINGS.contains(
                        &key.as_str()
                            .split("__")
                            .next()
                            .unwrap_or("")
                            .to_ascii_lowercase()
                            .as_str(),
                    )
                })
                .split("__"),
        );
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Load(Box::new(e)))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if StationId::parse(&self.station_id).is_none() {
            return invalid(format!(
                "station_id {:?} must be 1 to 64 letters, digits, '-', '_' or '.'",
                self.station_id
            ));
        }
        let url = self.database_url.trim();
        if !(url.is_empty()
            || url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            return invalid(
                "database_url must be empty (embedded SQLite) or start with sqlite: or postgres:"
                    .into(),
            );
        }
        if self.request_timeout_secs == 0
            || self.shutdown_grace_secs == 0
            || self.sla_check_interval_secs == 0
        {
            return invalid("request_timeout_secs, shutdown_grace_secs and sla_check_interval_secs must be positive".into());
        }
        if self.max_concurrent_requests == 0 {
            return invalid("max_concurrent_requests must be positive".into());
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log_level).is_err() {
            return invalid(format!(
                "log_level {:?} is not a valid filter",
                self.log_level
            ));
        }
        if self.closed_referral_retention_days == 0 || self.retention_interval_secs == 0 {
            return invalid(
                "closed_referral_retention_days and retention_interval_secs must be positive"
                    .into(),
            );
        }
        if !(1..=10).contains(&self.assessment.distress_threshold) {
            return invalid("assessment.distress_threshold must be 1 to 10".into());
        }
        self.jwt.validate().map_err(ConfigError::Invalid)?;
        self.tls.validate().map_err(ConfigError::Invalid)?;
        self.acceptance_deadlines
            .validate()
            .map_err(ConfigError::Invalid)
    }

    /// The database to use: the configured URL, or the SQLite file in `data_dir`.
    pub fn effective_database_url(&self) -> String {
        let url = self.database_url.trim();
        if url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("yishe.db").display())
        } else {
            url.to_owned()
        }
    }

    /// Where the keyring file is (or will be created).
    pub fn effective_key_file(&self) -> PathBuf {
        if self.encryption_key_file.as_os_str().is_empty() {
            self.data_dir.join("encryption.keys")
        } else {
            self.encryption_key_file.clone()
        }
    }

    pub fn station(&self) -> StationId {
        StationId::parse(&self.station_id).expect("validated")
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn retention(&self) -> Duration {
        Duration::from_secs(u64::from(self.closed_referral_retention_days) * 24 * 3600)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
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
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_embedded() {
        let c = Config::default();
        c.validate().unwrap();
        assert_eq!(c.effective_database_url(), "sqlite://./yishe-data/yishe.db");
        assert_eq!(c.grpc_listen.to_string(), "127.0.0.1:50051");
        assert_eq!(c.http_listen.to_string(), "127.0.0.1:9464");
    }

    #[test]
    fn a_file_overrides_defaults_and_bad_values_are_refused() {
        let dir = std::env::temp_dir().join(format!("yishe-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("yishe.toml");
        std::fs::write(&file, "station_id = \"east\"\n[acceptance_deadlines]\nemergency = 600\nurgent = 3600\nroutine = 7200\n").unwrap();
        let c = Config::load_from(Some(&file)).unwrap();
        assert_eq!(c.station_id, "east");
        assert_eq!(c.acceptance_deadlines.emergency, Duration::from_secs(600));

        std::fs::write(&file, "station_id = \"has space\"\n").unwrap();
        assert!(matches!(
            Config::load_from(Some(&file)),
            Err(ConfigError::Invalid(_))
        ));
        std::fs::write(&file, "no_such_setting = 1\n").unwrap();
        assert!(matches!(
            Config::load_from(Some(&file)),
            Err(ConfigError::Load(_))
        ));
        assert!(Config::load_from(Some(&dir.join("missing.toml"))).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
