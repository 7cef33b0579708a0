//! `TestApp::spawn`: a real Yishe server on 127.0.0.1 with ephemeral ports over a
//! fresh database, and typed clients that authenticate with a key.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use yishe_proto::assessment::assessment_service_client::AssessmentServiceClient;

use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use yishe_proto::audit::audit_service_client::AuditServiceClient;
use yishe_proto::client::Bearer;
use yishe_proto::directory::directory_service_client::DirectoryServiceClient;
use yishe_proto::followup::follow_up_service_client::FollowUpServiceClient;
use yishe_proto::plan::plan_service_client::PlanServiceClient;
use yishe_proto::privacy::patient_rights_service_client::PatientRightsServiceClient;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_runtime::config::Config;
use yishe_runtime::{Process, Shutdown};

use crate::{Engine, TestClock, TestDatabase};

pub type Referrals = ReferralServiceClient<InterceptedService<Channel, Bearer>>;
pub type Directory = DirectoryServiceClient<InterceptedService<Channel, Bearer>>;
pub type Assessments = AssessmentServiceClient<InterceptedService<Channel, Bearer>>;
pub type Audit = AuditServiceClient<InterceptedService<Channel, Bearer>>;
pub type PatientRights = PatientRightsServiceClient<InterceptedService<Channel, Bearer>>;
pub type Plans = PlanServiceClient<InterceptedService<Channel, Bearer>>;
pub type FollowUps = FollowUpServiceClient<InterceptedService<Channel, Bearer>>;
pub type Reports = yishe_proto::report::report_service_client::ReportServiceClient<
    InterceptedService<Channel, Bearer>,
>;

/// A running server for one test.
#[derive(Debug)]
pub struct TestApp {
    pub engine: Engine,
    pub grpc_addr: SocketAddr,
    pub http_addr: SocketAddr,
    /// The station's web console (gRPC-Web and its files), when served.
    pub console_addr: Option<SocketAddr>,
    /// The station-admin key made on first start (empty for a database that had one).
    pub admin_key: String,
    pub process: Process,
    pub channel: Channel,
    pub shutdown: Shutdown,
    /// The server's clock: a test moves it to reach a deadline at once.
    pub clock: Arc<TestClock>,
    pub db: TestDatabase,
    /// The server until it has drained and closed its store (`stop`).
    serving: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Keeps the data directory alive.
    _data_dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts a server on `engine`; `None` when that engine is unavailable (PostgreSQL
    /// without a server, after a loud warning).
    pub async fn spawn(engine: Engine) -> Option<Self> {
        Self::spawn_with(engine, |_| {}).await
    }

    /// Like `spawn`, with the configuration adjusted by `configure` first.
    pub async fn spawn_with(engine: Engine, configure: impl FnOnce(&mut Config)) -> Option<Self> {
        init_test_logging();
        let db = TestDatabase::create(engine).await?;
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let mut config = Config::default();
        config.database.data_dir = data_dir.path().to_path_buf();
        config.database.database_url = db.url.clone();
        config.server.grpc_listen = ([127, 0, 0, 1], 0).into();
        config.server.http_listen = ([127, 0, 0, 1], 0).into();
        config.console.listen = ([127, 0, 0, 1], 0).into();
        config.server.shutdown_grace_secs = 2;
        config.station.station_id = "s1".into();
        config.referral.sla_check_interval_secs = 1;
        config.security.jwt = crate::tokens::jwt_config();
        // Checkpoints on standard output would clutter every test's output; the
        // anchoring tests name a file.
        config.audit.audit_checkpoint_stdout = false;
        configure(&mut config);
        config.validate().expect("test configuration is valid");
        let shutdown = Shutdown::new();
        // Shared through a file, so Yishe binaries started beside this server see the
        // test move time too.
        let clock = Arc::new(TestClock::shared(data_dir.path().join("clock")));
        let running = yishe_server::start(config, shutdown.clone(), clock.clone())
            .await
            .expect("server starts");
        // A fresh database gets its first admin key; a database that has one (a
        // restored backup) keeps its own, and the test brings the keys it needs.
        let admin_key = running
            .first_admin_key
            .as_ref()
            .map(|key| key.secret.clone())
            .unwrap_or_default();
        let tls = config_tls(&running.process.config);
        let channel = connect(running.grpc_addr, tls.then_some(None))
            .await
            .expect("connect to the test server");
        let (grpc_addr, http_addr, console_addr, process) = (
            running.grpc_addr,
            running.http_addr,
            running.console_addr,
            running.process.clone(),
        );
        let serving = tokio::spawn(async move {
            let _ = running.wait().await;
        });
        Some(Self {
            engine,
            grpc_addr,
            http_addr,
            console_addr,
            admin_key,
            process,
            channel,
            shutdown,
            clock,
            db,
            serving: tokio::sync::Mutex::new(Some(serving)),
            _data_dir: data_dir,
        })
    }

    /// A new connection over TLS to this server (which must serve TLS), presenting the
    /// fixture client certificate `identity` (such as `his`), if any.
    pub async fn tls_channel(
        &self,
        identity: Option<&str>,
    ) -> Result<Channel, tonic::transport::Error> {
        connect(self.grpc_addr, Some(identity)).await
    }

    pub fn referrals(&self, key: Option<&str>) -> Referrals {
        ReferralServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn assessments(&self, key: Option<&str>) -> Assessments {
        AssessmentServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn plans(&self, key: Option<&str>) -> Plans {
        PlanServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn followups(&self, key: Option<&str>) -> FollowUps {
        FollowUpServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn reports(&self, key: Option<&str>) -> Reports {
        yishe_proto::report::report_service_client::ReportServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn audit(&self, key: Option<&str>) -> Audit {
        AuditServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn patient_rights(&self, key: Option<&str>) -> PatientRights {
        PatientRightsServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    pub fn directory(&self, key: Option<&str>) -> Directory {
        DirectoryServiceClient::with_interceptor(
            self.channel.clone(),
            Bearer::new(key).expect("ascii key"),
        )
    }

    /// The text of `/metrics`.
    pub async fn metrics(&self) -> String {
        http_get(self.http_addr, "/metrics").await
    }
}

impl TestApp {
    /// Stops the server and waits until it has drained and closed its store (its
    /// database and data directory stay, for a test to start another server on).
    pub async fn stop(&self) {
        self.shutdown.trigger();
        if let Some(serving) = self.serving.lock().await.take() {
            tokio::time::timeout(Duration::from_secs(30), serving)
                .await
                .expect("the server stops within 30 s")
                .expect("the server task ends");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}

fn config_tls(config: &Config) -> bool {
    config.security.tls.enabled()
}

/// The path of a fixture TLS file (`ca.pem`, `his.key`, ...).
pub fn tls_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls")
        .join(name)
}

/// Connects in plaintext (`tls` None) or over TLS trusting the fixture CA, with the
/// fixture client identity named in `tls` (`Some(Some("his"))`) or none.
async fn connect(
    addr: SocketAddr,
    tls: Option<Option<&str>>,
) -> Result<Channel, tonic::transport::Error> {
    use tonic::transport::{Certificate, ClientTlsConfig, Identity};
    let read = |name: &str| std::fs::read(tls_fixture(name)).expect("fixture");
    let scheme = if tls.is_some() { "https" } else { "http" };
    let mut endpoint = Channel::from_shared(format!("{scheme}://{addr}"))
        .expect("valid uri")
        .connect_timeout(Duration::from_secs(5));
    if let Some(identity) = tls {
        let mut config = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(read("ca.pem")))
            .domain_name("localhost");
        if let Some(name) = identity {
            config = config.identity(Identity::from_pem(
                read(&format!("{name}.pem")),
                read(&format!("{name}.key")),
            ));
        }
        endpoint = endpoint.tls_config(config)?;
    }
    endpoint.connect().await
}

/// The test server's TLS: the fixture server certificate, client certificates of
/// the fixture CA accepted (not required).
pub fn mutual_tls() -> yishe_runtime::config::TlsConfig {
    yishe_runtime::config::TlsConfig {
        cert_file: tls_fixture("server.pem"),
        key_file: tls_fixture("server.key"),
        client_ca_file: tls_fixture("ca.pem"),
        ..Default::default()
    }
}

/// A bare HTTP/1.1 GET on loopback (enough for the metrics port, no client crate).
pub async fn http_get(addr: SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the http port");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

/// Silent unless `TEST_LOG` is set.
fn init_test_logging() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_test_writer()
            .try_init();
    }
}

/// A bare HTTP/1.1 GET over TLS on loopback, trusting the fixture CA.
pub async fn https_get(addr: SocketAddr, path: &str) -> String {
    use rustls_pki_types::pem::PemObject;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pki_types::CertificateDer::pem_file_iter(tls_fixture("ca.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the https port");
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut stream = connector.connect(name, tcp).await.expect("tls handshake");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).to_string()
}
