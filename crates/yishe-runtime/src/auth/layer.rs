//! The tower layer in front of every gRPC method.

use std::sync::Arc;
use std::task::{Context, Poll};

use async_trait::async_trait;
use tonic::Status;
use tower::{Layer, Service};
use yishe_domain::Caller;

use super::context::RequestContext;
use super::policy::{self, Access};

/// Finds out who is calling from the request headers.
#[async_trait]
pub trait Authenticator: Send + Sync + std::fmt::Debug {
    async fn authenticate(&self, headers: &http::HeaderMap) -> Result<Caller, AuthError>;
}

/// Why a caller could not be identified.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing credentials: send authorization: Bearer <key>")]
    Missing,
    #[error("malformed authorization header: expected Bearer <key>")]
    Malformed,
    #[error("unknown or revoked credentials")]
    Unknown,
    #[error("cannot check credentials now")]
    Unavailable(String),
}

impl AuthError {
    fn into_status(self) -> Status {
        match self {
            AuthError::Unavailable(cause) => {
                tracing::warn!(%cause, "credential lookup failed");
                Status::unavailable("cannot check credentials now; retry")
            }
            other => Status::unauthenticated(other.to_string()),
        }
    }
}

/// Authenticates, checks the policy table, and attaches a `RequestContext`.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    authenticator: Arc<dyn Authenticator>,
}

impl AuthLayer {
    pub fn new(authenticator: Arc<dyn Authenticator>) -> Self {
        Self { authenticator }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            authenticator: self.authenticator.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    authenticator: Arc<dyn Authenticator>,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for AuthService<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        // The clone is not yet ready; keep the one that is (tower's usual dance).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let authenticator = self.authenticator.clone();
        Box::pin(async move {
            let access = policy::lookup(request.uri().path());
            if access == Some(Access::Public) {
                return inner.call(request).await;
            }
            let caller = match authenticator.authenticate(request.headers()).await {
                Ok(caller) => caller,
                Err(error) => return Ok(error.into_status().into_http()),
            };
            let allowed =
                matches!(access, Some(Access::Roles(roles)) if roles.contains(&caller.role));
            if !allowed {
                tracing::info!(role = caller.role.as_str(), "call denied by policy");
                let status = Status::permission_denied(format!(
                    "the role {} may not call this method",
                    caller.role.as_str()
                ));
                return Ok(status.into_http());
            }
            let request_id = request_id(request.headers());
            request
                .extensions_mut()
                .insert(RequestContext { caller, request_id });
            inner.call(request).await
        })
    }
}

/// The client's `x-request-id` when it is short and printable, else a new one.
fn request_id(headers: &http::HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}
