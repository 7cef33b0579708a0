//! Client-side helpers for the contract's callers (the CLI, tests, integrators' Rust code).

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;

/// Adds `authorization: Bearer <key>` to every call, or nothing without a key.
#[derive(Debug, Clone, Default)]
pub struct Bearer(Option<MetadataValue<Ascii>>);

impl Bearer {
    /// `None` when the key holds characters a header cannot carry.
    pub fn new(key: Option<&str>) -> Option<Self> {
        match key {
            None => Some(Self(None)),
            Some(key) => format!("Bearer {key}").parse().ok().map(|v| Self(Some(v))),
        }
    }
}

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}
