//! `authorization: Bearer …`: an API key (`ysk_…`) or, when configured, a staff token;
//! without it, the verified client certificate of a mutual-TLS connection.

use async_trait::async_trait;
use yishe_domain::Caller;

use super::api_key::ApiKeyAuthenticator;
use super::client_cert::CertificateAuthenticator;
use super::jwt::JwtVerifier;
use super::layer::{AuthError, Authenticator};
use super::secrets;

/// Sends each bearer credential to the authenticator for its kind; a call without one
/// on a mutual-TLS connection is known by its client certificate.
#[derive(Debug)]
pub struct BearerAuthenticator {
    api_keys: ApiKeyAuthenticator,
    tokens: Option<JwtVerifier>,
    certificates: CertificateAuthenticator,
}

impl BearerAuthenticator {
    pub fn new(
        api_keys: ApiKeyAuthenticator,
        tokens: Option<JwtVerifier>,
        certificates: CertificateAuthenticator,
    ) -> Self {
        Self {
            api_keys,
            tokens,
            certificates,
        }
    }
}

#[async_trait]
impl Authenticator for BearerAuthenticator {
    async fn authenticate(
        &self,
        headers: &http::HeaderMap,
        extensions: &http::Extensions,
    ) -> Result<Caller, AuthError> {
        let Some(value) = headers.get(http::header::AUTHORIZATION) else {
            return self
                .certificates
                .authenticate(extensions)
                .await
                .unwrap_or(Err(AuthError::Missing));
        };
        let value = value.to_str().map_err(|_| AuthError::Malformed)?;
        let credential = value
            .strip_prefix("Bearer ")
            .map(str::trim)
            .ok_or(AuthError::Malformed)?;
        if credential.starts_with(secrets::PREFIX) {
            return self.api_keys.authenticate_key(credential).await;
        }
        match &self.tokens {
            Some(tokens) if credential.split('.').count() == 3 => {
                let caller = tokens.verify(credential)?;
                self.api_keys.check_worker(caller).await
            }
            _ => Err(AuthError::Malformed),
        }
    }
}
