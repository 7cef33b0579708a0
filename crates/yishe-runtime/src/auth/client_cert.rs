//! HIS integrations over mutual TLS: the handshake proved the client holds the
//! certificate's key; here the certificate must chain to the trusted CA, and its subject
//! common name or an alternative name (DNS or URI) is looked up among the HIS
//! integrations registered with a certificate subject.

use std::sync::Arc;

use yishe_domain::Caller;
use yishe_store::KeyLookup;

use super::layer::AuthError;

/// Maps verified client certificates to HIS integrations registered with a
/// certificate subject (`CreateApiKey`).
#[derive(Debug, Clone)]
pub struct CertificateAuthenticator {
    store: Arc<dyn KeyLookup>,
    /// Judges the chain of the client certificate against the trusted CA.
    verifier: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
}

impl CertificateAuthenticator {
    pub fn new(
        store: Arc<dyn KeyLookup>,
        verifier: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
    ) -> Self {
        Self { store, verifier }
    }

    /// The caller of the connection's verified client certificate; `None` without one.
    pub async fn authenticate(
        &self,
        extensions: &http::Extensions,
    ) -> Option<Result<Caller, AuthError>> {
        use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
        let certs = extensions
            .get::<TlsConnectInfo<TcpConnectInfo>>()?
            .peer_certs()?;
        let (leaf, intermediates) = certs.split_first()?;
        let trusted = self.verifier.as_ref().is_some_and(|v| {
            v.verify_client_cert(leaf, intermediates, rustls_pki_types::UnixTime::now())
                .is_ok()
        });
        if !trusted {
            return Some(Err(AuthError::Rejected(
                "client certificate not issued by a trusted CA",
            )));
        }
        let names = names(leaf.as_ref());
        let found = match self.store.find_api_key_by_certificate(&names).await {
            Ok(found) => found,
            Err(e) => return Some(Err(AuthError::Unavailable(e.to_string()))),
        };
        Some(match found {
            Some(key) if key.revoked_at.is_none() => Ok(key.caller()),
            Some(_) => Err(AuthError::Unknown),
            None => Err(AuthError::Rejected(
                "client certificate not registered for an HIS integration",
            )),
        })
    }
}

/// The subject common names and the DNS and URI alternative names of a certificate.
fn names(der: &[u8]) -> Vec<String> {
    use x509_parser::prelude::*;
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let mut names: Vec<String> = cert
        .subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok().map(str::to_owned))
        .collect();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(dns) => names.push((*dns).to_owned()),
                GeneralName::URI(uri) => names.push((*uri).to_owned()),
                _ => {}
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn reads_common_name_and_alternative_names() {
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../yishe-testserver/fixtures/tls/his.pem"
        ))
        .unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64_decode(&body);
        assert_eq!(
            names(&der),
            vec![
                "oncology-his".to_string(),
                "oncology-his.h1.test".to_string()
            ]
        );
        assert!(names(b"not a certificate").is_empty());
    }

    fn base64_decode(text: &str) -> Vec<u8> {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.bytes().filter(|c| *c != b'=') {
            let v = alphabet.iter().position(|a| *a == c).unwrap() as u32;
            bits = (bits << 6) | v;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        out
    }
}
