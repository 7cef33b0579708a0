//! TLS for the listeners, and client certificates for HIS integrations.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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

    pub(super) fn validate(&self) -> Result<(), String> {
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
