//! Authentication by API key: `authorization: Bearer ysk_…`, looked up by hash.

use async_trait::async_trait;
use yishe_domain::Caller;
use yishe_store::Store;

use super::layer::{AuthError, Authenticator};
use super::secrets;

/// Looks keys up in the store on every call, so a revocation takes effect at once.
#[derive(Debug, Clone)]
pub struct ApiKeyAuthenticator {
    store: Store,
}

impl ApiKeyAuthenticator {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait]
impl Authenticator for ApiKeyAuthenticator {
    async fn authenticate(&self, headers: &http::HeaderMap) -> Result<Caller, AuthError> {
        let value = headers
            .get(http::header::AUTHORIZATION)
            .ok_or(AuthError::Missing)?
            .to_str()
            .map_err(|_| AuthError::Malformed)?;
        let secret = value
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|s| s.starts_with(secrets::PREFIX))
            .ok_or(AuthError::Malformed)?;
        let key = self
            .store
            .find_api_key(&secrets::hash(secret))
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))?
            .ok_or(AuthError::Unknown)?;
        if key.revoked_at.is_some() {
            return Err(AuthError::Unknown);
        }
        Ok(key.caller())
    }
}
