//! The authentication layer's role: finding the API key a caller presents.

use async_trait::async_trait;
use yishe_domain::directory::ApiKey;

use crate::Result;

#[async_trait]
pub trait KeyLookup: Send + Sync + std::fmt::Debug {
    /// The key whose secret hashes to `secret_hash`, revoked or not.
    async fn find_api_key(&self, secret_hash: &str) -> Result<Option<ApiKey>>;

    /// The key bound to a client certificate with one of `names` (its common name or
    /// alternative names), revoked or not.
    async fn find_api_key_by_certificate(&self, names: &[String]) -> Result<Option<ApiKey>>;

    /// Whether `worker` was deactivated (a staff token naming them stops working); an
    /// unknown worker was not.
    async fn worker_deactivated(&self, worker: yishe_domain::SocialWorkerId) -> Result<bool>;
}
