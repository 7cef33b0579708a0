//! Authentication and authorization of every call: a tower layer finds the caller
//! (from an API key or a staff token; client certificates plug in as a further
//! `Authenticator`), checks the policy table for the method, and hands the use-cases
//! a `RequestContext`.

mod api_key;
mod bearer;
mod client_cert;
mod context;
mod jwt;
mod layer;
mod limits;
pub mod policy;
pub mod secrets;

pub use api_key::ApiKeyAuthenticator;
pub use bearer::BearerAuthenticator;
pub use client_cert::CertificateAuthenticator;
pub use context::{RequestContext, context};
pub use jwt::JwtVerifier;
pub use layer::{AuthError, AuthLayer, Authenticator};
pub use limits::CallerLimits;
