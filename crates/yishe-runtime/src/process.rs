//! The parts one Yishe process shares between its services: configuration, the
//! database, metrics, the shutdown switch; and the serving of a set of services.

use std::sync::Arc;

use yishe_domain::Clock;
use yishe_store::{Crypto, Keyring, Store};

use crate::auth::{
    ApiKeyAuthenticator, Authenticator, BearerAuthenticator, CertificateAuthenticator, JwtVerifier,
};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::server::{App, Listeners};
use crate::services::Services;
use crate::shutdown::Shutdown;

/// Why a process could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(#[from] yishe_store::Error),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

impl StartError {
    /// 64 (EX_USAGE) for bad configuration, 1 otherwise.
    pub fn exit_code(&self) -> std::process::ExitCode {
        match self {
            StartError::Config(_) => {
                std::process::ExitCode::from(crate::config::EXIT_BAD_CONFIG as u8)
            }
            _ => std::process::ExitCode::FAILURE,
        }
    }
}

/// What the services of one process share.
#[derive(Debug, Clone)]
pub struct Process {
    pub config: Config,
    pub store: Store,
    pub metrics: Metrics,
    pub shutdown: Shutdown,
    /// The one clock every deadline, check and audit row of this process reads.
    pub clock: Arc<dyn Clock>,
    pub authenticator: Arc<dyn Authenticator>,
    /// Failed authentications per source and calls per credential.
    pub limits: Arc<crate::auth::CallerLimits>,
    /// The keyring file made on this start, if there was none.
    pub new_key_file: Option<std::path::PathBuf>,
    /// The gRPC listener's TLS, read from the configured files.
    pub tls: Option<crate::tls::GrpcTls>,
    /// The metrics listener's TLS, when configured.
    pub metrics_tls: Option<Arc<rustls::ServerConfig>>,
    /// The console listener's TLS: the installation's certificate, no client one.
    pub console_tls: Option<Arc<rustls::ServerConfig>>,
}

impl Process {
    /// Creates the data directory, opens (and migrates) the database.
    pub async fn open(
        config: Config,
        shutdown: Shutdown,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        create_private_dir(&config.database.data_dir).map_err(|source| StartError::DataDir {
            path: config.database.data_dir.display().to_string(),
            source,
        })?;
        let tls = crate::tls::grpc_tls(&config.security.tls).map_err(StartError::Config)?;
        let metrics_tls = config
            .security
            .tls
            .metrics
            .then(|| {
                let tls = &config.security.tls;
                crate::tls::server_config(&tls.cert_file, &tls.key_file)
            })
            .transpose()
            .map_err(StartError::Config)?;
        // The console's listener speaks TLS where the installation has a certificate,
        // without asking browsers for a client certificate.
        let console_tls = (config.console.enabled && config.security.tls.enabled())
            .then(|| {
                let tls = &config.security.tls;
                crate::tls::server_config(&tls.cert_file, &tls.key_file)
            })
            .transpose()
            .map_err(StartError::Config)?;
        let tokens = config
            .security
            .jwt
            .enabled()
            .then(|| JwtVerifier::from_config(&config.security.jwt))
            .transpose()
            .map_err(StartError::Config)?;
        let (keyring, new_key_file) = match config.security.key_file(&config.database.data_dir) {
            Some(path) => {
                let (keyring, created) =
                    Keyring::load_or_create(&path, config.security.encryption_algorithm)?;
                (keyring, created.then_some(path))
            }
            None => (
                Keyring::parse(config.security.encryption_keys.expose())?,
                None,
            ),
        };
        if let Some(path) = &new_key_file {
            tracing::warn!(path = %path.display(), "created a new encryption keyring; back it up");
        }
        if keyring.current_algorithm() != config.security.encryption_algorithm {
            tracing::warn!(
                current = %keyring.current_algorithm(),
                configured = %config.security.encryption_algorithm,
                "the keyring's current key is not of the configured encryption_algorithm: \
                 new records are sealed with the current key until a rotation (yishe \
                 encryption rotate-key, or a new key in YISHE_ENCRYPTION_KEYS where the \
                 keys come from the environment)"
            );
        }
        let store = yishe_store::connect(
            &config.database.effective_database_url(),
            Crypto::new(keyring),
        )
        .await?;
        tracing::info!(engine = ?store.engine(), staff_tokens = tokens.is_some(), "database ready");
        let api_keys = ApiKeyAuthenticator::new(store.clone());
        let verifier = tls.as_ref().and_then(|t| t.client_verifier.clone());
        let certificates = CertificateAuthenticator::new(store.clone(), verifier);
        let authenticator = Arc::new(BearerAuthenticator::new(api_keys, tokens, certificates));
        let metrics = Metrics::new();
        crate::store_metrics::register(&metrics, store.clone());
        let limits = Arc::new(crate::auth::CallerLimits::new(
            &config.security.limits,
            &metrics,
        ));
        Ok(Self {
            config,
            store,
            metrics,
            shutdown,
            clock,
            authenticator,
            limits,
            new_key_file,
            tls,
            metrics_tls,
            console_tls,
        })
    }

    /// Binds the configured listeners (port 0 picks a free one).
    pub async fn bind(&self) -> Result<Listeners, StartError> {
        let c = &self.config.server;
        let console = &self.config.console;
        // A build without the console's files opens no listener for it (main says how
        // to get them).
        let served = console.enabled && yishe_console::not_built().is_none();
        Listeners::bind(
            c.grpc_listen,
            c.http_listen,
            served.then_some(console.listen),
        )
        .await
        .map_err(|source| StartError::Listen {
            addr: if console.enabled {
                format!("{} / {} / {}", c.grpc_listen, c.http_listen, console.listen)
            } else {
                format!("{} / {}", c.grpc_listen, c.http_listen)
            },
            source,
        })
    }

    /// The server description for `services`.
    pub fn app(&self, services: Services) -> App {
        let (routes, service_names) = services.into_parts();
        App {
            routes,
            service_names,
            store: self.store.clone(),
            metrics: self.metrics.clone(),
            authenticator: self.authenticator.clone(),
            limits: self.limits.clone(),
            clock: self.clock.clone(),
            request_timeout: self.config.server.request_timeout(),
            max_concurrent_requests: self.config.server.max_concurrent_requests,
            shutdown_grace: self.config.server.shutdown_grace(),
            max_connection_age: self.config.server.max_connection_age(),
            shutdown: self.shutdown.clone(),
            tls: self.tls.as_ref().map(|t| t.config.clone()),
            metrics_tls: self.metrics_tls.clone(),
            console_tls: self.console_tls.clone(),
            console: crate::console::ConsoleSite {
                time_zone: self.config.station.time_zone.clone(),
                idle_minutes: self.config.console.idle_minutes,
                oidc: self.config.console.oidc(),
            },
        }
    }
}

/// The data directory holds patient data and the admin key: owner access only.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let existed = dir.exists();
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    if !existed {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The whole life of a single-service binary (a split deployment): configuration,
/// telemetry, database, the services `register` adds, serving until a signal, drain.
pub async fn run_standalone<F>(name: &str, register: F) -> std::process::ExitCode
where
    F: FnOnce(&Process, &mut Services) -> Result<(), StartError>,
{
    let mut config = Config::load_or_exit();
    // The console calls every service, which only the all-in-one server holds: a
    // service run alone serves none (and several on one host do not race for its port).
    config.console.enabled = false;
    let telemetry = crate::telemetry::init(&config, name);
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals();
    let started = async {
        let process = Process::open(config, shutdown, crate::process_clock()).await?;
        let mut services = Services::default();
        register(&process, &mut services)?;
        let listeners = process.bind().await?;
        Ok::<_, StartError>((process, listeners, services))
    };
    let (process, listeners, services) = match started.await {
        Ok(parts) => parts,
        Err(error) => {
            eprintln!("{name}: cannot start: {error}");
            return error.exit_code();
        }
    };
    println!(
        "{name}: gRPC on {}, metrics on http://{}/metrics",
        listeners.grpc_addr(),
        listeners.http_addr()
    );
    let result = listeners.serve(process.app(services)).await;
    process.store.close().await;
    telemetry.flush().await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{name}: server failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
