//! `authorization: Bearer …`: an API key (`ysk_…`) or, when configured, a staff token.

use async_trait::async_trait;
use yishe_domain::Caller;

use super::api_key::ApiKeyAuthenticator;
use super::jwt::JwtVerifier;
use super::layer::{AuthError, Authenticator};
use super::secrets;

/// Sends each bearer credential to the authenticator for its kind.
#[derive(Debug)]
pub struct BearerAuthenticator {
    api_keys: ApiKeyAuthenticator,
    tokens: Option<JwtVerifier>,
}

impl BearerAuthenticator {
    pub fn new(api_keys: ApiKeyAuthenticator, tokens: Option<JwtVerifier>) -> Self {
        Self { api_keys, tokens }
    }
}

#[async_trait]
impl Authenticator for BearerAuthenticator {
    async fn authenticate(&self, headers: &http::HeaderMap) -> Result<Caller, AuthError> {
        let value = headers
            .get(http::header::AUTHORIZATION)
            .ok_or(AuthError::Missing)?
            .to_str()
            .map_err(|_| AuthError::Malformed)?;
        let credential = value
            .strip_prefix("Bearer ")
            .map(str::trim)
            .ok_or(AuthError::Malformed)?;
        if credential.starts_with(secrets::PREFIX) {
            return self.api_keys.authenticate_key(credential).await;
        }
        match &self.tokens {
            Some(tokens) if credential.split('.').count() == 3 => tokens.verify(credential),
            _ => Err(AuthError::Malformed),
        }
    }
}
