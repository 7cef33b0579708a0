//! Authentication by API key: `authorization: Bearer ysk_…`, looked up by hash.

use yishe_domain::Caller;
use yishe_store::Store;

use super::layer::AuthError;
use super::secrets;

/// Looks keys up in the store, which remembers valid ones for a second (and forgets
/// them the moment this process revokes one).
#[derive(Debug, Clone)]
pub struct ApiKeyAuthenticator {
    store: Store,
}

impl ApiKeyAuthenticator {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl ApiKeyAuthenticator {
    /// The caller holding `secret`, if it is a valid key.
    pub async fn authenticate_key(&self, secret: &str) -> Result<Caller, AuthError> {
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

    /// A staff token's caller, unless the social worker it names was deactivated: their
    /// tokens stop at once, as their keys do (a read of the worker's row per call;
    /// staff call far less often than an HIS).
    pub async fn check_worker(&self, caller: Caller) -> Result<Caller, AuthError> {
        let Some(worker) = caller.worker else {
            return Ok(caller);
        };
        let deactivated = self
            .store
            .worker_deactivated(worker)
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))?;
        if deactivated {
            return Err(AuthError::Rejected("the social worker is deactivated"));
        }
        Ok(caller)
    }
}
