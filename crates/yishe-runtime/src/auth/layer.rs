//! The tower layer in front of every gRPC method.

use std::net::IpAddr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use tower::{Layer, Service};
use yishe_domain::{Caller, Clock, Code, Outcome, Role, ServiceError};
use yishe_store::{AuditEntry, Store};

use super::context::RequestContext;
use super::limits::CallerLimits;
use super::policy::{self, Access};
use crate::status;

/// Finds out who is calling from the request headers.
#[async_trait]
pub trait Authenticator: Send + Sync + std::fmt::Debug {
    /// `extensions` carries what the connection knows, such as the verified client
    /// certificate of a mutual-TLS connection.
    async fn authenticate(
        &self,
        headers: &http::HeaderMap,
        extensions: &http::Extensions,
    ) -> Result<Caller, AuthError>;
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
    /// A token whose signature no configured key verifies: forged, or signed by a
    /// key not (yet) configured.
    #[error("token signed by an unknown key")]
    Unverified,
    /// A credential that is genuine but not good now (expired, for another audience,
    /// its worker deactivated).
    #[error("{0}")]
    Rejected(&'static str),
    /// The credential store did not answer; the cause is logged, never sent.
    #[error("cannot check credentials now; retry")]
    Unavailable(String),
}

impl AuthError {
    /// Whether the failure counts towards shutting the caller's address out.
    fn is_a_guess(&self) -> bool {
        matches!(
            self,
            AuthError::Unknown | AuthError::Malformed | AuthError::Unverified
        )
    }
}

impl ServiceError for AuthError {
    fn code(&self) -> Code {
        match self {
            AuthError::Unavailable(_) => Code::Unavailable,
            _ => Code::Unauthenticated,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            AuthError::Missing => "CREDENTIALS_MISSING",
            AuthError::Malformed => "CREDENTIALS_MALFORMED",
            AuthError::Unknown => "CREDENTIALS_UNKNOWN",
            AuthError::Unverified | AuthError::Rejected(_) => "CREDENTIALS_REJECTED",
            AuthError::Unavailable(_) => "CREDENTIALS_UNAVAILABLE",
        }
    }
}

/// Why an identified caller may not call a method.
#[derive(Debug, thiserror::Error)]
enum Denied {
    #[error("the role {} may not call this method", .0.as_str())]
    Role(Role),
    #[error("this key is read-only")]
    ReadOnly,
}

impl ServiceError for Denied {
    fn code(&self) -> Code {
        Code::PermissionDenied
    }

    fn reason(&self) -> &'static str {
        match self {
            Denied::Role(_) => "ROLE_NOT_ALLOWED",
            Denied::ReadOnly => "READ_ONLY_CREDENTIALS",
        }
    }
}

/// A call refused by the limits on callers, whoever it is.
#[derive(Debug, thiserror::Error)]
enum Limited {
    /// The source failed to authenticate too often; nothing from it is accepted until
    /// the lockout ends, not even a valid credential.
    #[error("too many failed authentications from this address; retry later")]
    LockedOut(Duration),
    #[error("this credential is over its rate of calls; retry later")]
    RateLimited(Duration),
}

impl ServiceError for Limited {
    fn code(&self) -> Code {
        match self {
            Limited::LockedOut(_) => Code::Unauthenticated,
            Limited::RateLimited(_) => Code::ResourceExhausted,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Limited::LockedOut(_) => "TOO_MANY_FAILED_AUTHENTICATIONS",
            Limited::RateLimited(_) => "RATE_LIMITED",
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            // Whole seconds, at least one: what a client's backoff can use.
            Limited::LockedOut(after) | Limited::RateLimited(after) => Some(Duration::from_secs(
                after.as_secs_f64().ceil().max(1.0) as u64,
            )),
        }
    }
}

/// Authenticates, checks the policy table and the limits on callers, and attaches a
/// `RequestContext`. Refused calls are written to the audit log, except those refused
/// by the limits (a source shut out, a credential over its rate): they are counted in
/// metrics, since a flood must not become a flood of writes.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    authenticator: Arc<dyn Authenticator>,
    limits: Arc<CallerLimits>,
    audit: Store,
    clock: Arc<dyn Clock>,
}

impl AuthLayer {
    pub fn new(
        authenticator: Arc<dyn Authenticator>,
        limits: Arc<CallerLimits>,
        audit: Store,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            authenticator,
            limits,
            audit,
            clock,
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            authenticator: self.authenticator.clone(),
            limits: self.limits.clone(),
            audit: self.audit.clone(),
            clock: self.clock.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    authenticator: Arc<dyn Authenticator>,
    limits: Arc<CallerLimits>,
    audit: Store,
    clock: Arc<dyn Clock>,
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
        let limits = self.limits.clone();
        let audit = self.audit.clone();
        let clock = self.clock.clone();
        Box::pin(async move {
            let access = policy::lookup(request.uri().path());
            if access == Some(Access::Public) {
                return inner.call(request).await;
            }
            let request_id = request_id(request.headers());
            let refusal = Refusal {
                audit: &audit,
                clock: clock.as_ref(),
                path: request.uri().path(),
                request_id: &request_id,
            };
            let source = source_of(&request, limits.trust_forwarded_for);
            // Refused unheard and unaudited while shut out: the failures that led here
            // were audited one by one, and a flood must not become a flood of writes.
            if let Some(left) = source.and_then(|s| limits.locked_out(s)) {
                return Ok(status::of(&Limited::LockedOut(left)).into_http());
            }
            let caller = match authenticator
                .authenticate(request.headers(), request.extensions())
                .await
            {
                Ok(caller) => caller,
                Err(error) => {
                    if let AuthError::Unavailable(cause) = &error {
                        tracing::warn!(%cause, "credential lookup failed");
                    } else {
                        refusal.record(None, Code::Unauthenticated).await;
                        // What looks like guessing counts against the address: an
                        // unknown key, garbage, a forged token. An expired token or a
                        // call without credentials tried nothing (and a console or an
                        // interface engine carries many users behind one address).
                        if error.is_a_guess()
                            && let Some(source) = source
                            && let Some(lockout) = limits.failed(source)
                        {
                            // An address, not a person: what ops needs to find the
                            // client (or the attacker) on the network.
                            tracing::warn!(
                                %source,
                                lockout_secs = lockout.as_secs(),
                                "address shut out after repeated failed authentications"
                            );
                        }
                    }
                    return Ok(status::of(&error).into_http());
                }
            };
            if let Err(after) = limits.call(&caller.subject, caller.role) {
                return Ok(status::of(&Limited::RateLimited(after)).into_http());
            }
            let allowed =
                matches!(access, Some(Access::Roles(roles)) if roles.contains(&caller.role));
            if !allowed {
                tracing::info!(role = caller.role.as_str(), "call denied by policy");
                refusal.record(Some(&caller), Code::PermissionDenied).await;
                return Ok(status::of(&Denied::Role(caller.role)).into_http());
            }
            if caller.read_only && !policy::only_reads(request.uri().path()) {
                refusal.record(Some(&caller), Code::PermissionDenied).await;
                return Ok(status::of(&Denied::ReadOnly).into_http());
            }
            request.extensions_mut().insert(RequestContext {
                caller,
                request_id,
                clock,
            });
            inner.call(request).await
        })
    }
}

/// A refused call, to be written to the audit log.
struct Refusal<'a> {
    audit: &'a Store,
    clock: &'a dyn Clock,
    path: &'a str,
    request_id: &'a str,
}

impl Refusal<'_> {
    /// Best effort: a refusal stands whether or not its audit row could be written.
    async fn record(&self, caller: Option<&Caller>, code: Code) {
        let entry = AuditEntry {
            id: uuid::Uuid::now_v7(),
            occurred_at: self.clock.now(),
            subject: caller
                .map(|c| c.subject.clone())
                .unwrap_or_else(|| "anonymous".into()),
            role: caller.map(|c| c.role.as_str()).unwrap_or("none").to_owned(),
            // The path is the caller's text: keep it bounded.
            action: self.path.chars().take(200).collect(),
            resource_kind: String::new(),
            resource_id: String::new(),
            request_id: self.request_id.to_owned(),
            outcome: Outcome::Refused(code).as_str().to_owned(),
            purpose: String::new(),
            resources: Vec::new(),
        };
        if let Err(error) = self.audit.append_audit_alone(&entry).await {
            tracing::error!(%error, "cannot audit a refused call");
        }
    }
}

/// The address a call comes from: the connection's peer or, behind a trusted proxy,
/// the last address of `x-forwarded-for` (the one the proxy added; earlier ones are
/// the client's own word).
fn source_of<B>(request: &http::Request<B>, trust_forwarded_for: bool) -> Option<IpAddr> {
    use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
    if trust_forwarded_for
        && let Some(forwarded) = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok())
    {
        return Some(forwarded);
    }
    let extensions = request.extensions();
    extensions
        .get::<TcpConnectInfo>()
        .and_then(TcpConnectInfo::remote_addr)
        .or_else(|| {
            extensions
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .and_then(|info| info.get_ref().remote_addr())
        })
        .map(|addr| addr.ip())
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
