//! rustls for the HTTP side port (the gRPC listener's TLS is tonic's, from the same
//! files).

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// A server configuration from PEM files: the certificate chain and its key.
pub fn server_config(
    cert_file: &Path,
    key_file: &Path,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let certs = CertificateDer::pem_file_iter(cert_file)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read certificates from {}: {e}", cert_file.display()))?;
    let key = PrivateKeyDer::from_pem_file(key_file).map_err(|e| {
        format!(
            "cannot read the private key from {}: {e}",
            key_file.display()
        )
    })?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("tls certificate and key do not fit: {e}"))?;
    Ok(Arc::new(config))
}

/// The gRPC listener's TLS: the rustls configuration, and (for mutual TLS) the strict
/// verifier the authentication layer judges client certificates with.
#[derive(Debug, Clone)]
pub struct GrpcTls {
    pub config: Arc<rustls::ServerConfig>,
    pub client_verifier: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
}

/// Accepts any client certificate during the handshake, still checking that the client
/// holds its private key; whether the certificate chains to the trusted CA is judged
/// after the handshake, by the authentication layer, so that a certificate from
/// another CA is answered UNAUTHENTICATED (and audited) instead of a broken connection.
#[derive(Debug)]
struct DeferredClientVerifier {
    strict: Arc<dyn rustls::server::danger::ClientCertVerifier>,
    mandatory: bool,
}

impl rustls::server::danger::ClientCertVerifier for DeferredClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        self.strict.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
        Ok(rustls::server::danger::ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.strict.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.strict.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.strict.supported_verify_schemes()
    }
}

/// The gRPC TLS from the configured files; `None` for plaintext.
pub fn grpc_tls(config: &crate::config::TlsConfig) -> Result<Option<GrpcTls>, String> {
    if !config.enabled() {
        return Ok(None);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certs = CertificateDer::pem_file_iter(&config.cert_file)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            format!(
                "cannot read certificates from {}: {e}",
                config.cert_file.display()
            )
        })?;
    let key = PrivateKeyDer::from_pem_file(&config.key_file).map_err(|e| {
        format!(
            "cannot read the private key from {}: {e}",
            config.key_file.display()
        )
    })?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let (builder, client_verifier) = if config.client_ca_file.as_os_str().is_empty() {
        (builder.with_no_client_auth(), None)
    } else {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(&config.client_ca_file)
            .map_err(|e| format!("cannot read {}: {e}", config.client_ca_file.display()))?
        {
            roots
                .add(cert.map_err(|e| format!("tls.client_ca_file: {e}"))?)
                .map_err(|e| format!("tls.client_ca_file: {e}"))?;
        }
        let strict: Arc<dyn rustls::server::danger::ClientCertVerifier> =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .allow_unauthenticated()
                .build()
                .map_err(|e| format!("tls.client_ca_file: {e}"))?;
        let deferred = Arc::new(DeferredClientVerifier {
            strict: strict.clone(),
            mandatory: config.require_client_cert,
        });
        (builder.with_client_cert_verifier(deferred), Some(strict))
    };
    let mut server = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("tls certificate and key do not fit: {e}"))?;
    server.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Some(GrpcTls {
        config: Arc::new(server),
        client_verifier,
    }))
}
