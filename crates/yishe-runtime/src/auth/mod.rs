//! Authentication and authorization of every call: a tower layer finds the caller
//! (today from an API key; tokens and client certificates plug in as further
//! `Authenticator`s), checks the policy table for the method, and hands the use-cases
//! a `RequestContext`.

mod api_key;
mod context;
mod layer;
pub mod policy;
pub mod secrets;

pub use api_key::ApiKeyAuthenticator;
pub use context::{RequestContext, context};
pub use layer::{AuthError, AuthLayer, Authenticator};
