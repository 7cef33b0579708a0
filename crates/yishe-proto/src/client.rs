//! Client-side helpers for the contract's callers (the CLI, tests, integrators' Rust code).

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;

/// Adds `authorization: Bearer <key>` to every call, or nothing without a key; and the
/// caller's W3C trace context (`traceparent`), when it has one, so the server's spans
/// join the caller's trace.
#[derive(Debug, Clone, Default)]
pub struct Bearer {
    authorization: Option<MetadataValue<Ascii>>,
    traceparent: Option<MetadataValue<Ascii>>,
}

impl Bearer {
    /// `None` when the key holds characters a header cannot carry.
    pub fn new(key: Option<&str>) -> Option<Self> {
        let authorization = match key {
            None => None,
            Some(key) => Some(format!("Bearer {key}").parse().ok()?),
        };
        Some(Self {
            authorization,
            traceparent: None,
        })
    }

    /// Sends `traceparent` (a W3C trace context, `00-<trace id>-<span id>-<flags>`) with
    /// every call; a value a header cannot carry is dropped.
    pub fn in_trace(mut self, traceparent: Option<&str>) -> Self {
        self.traceparent = traceparent.and_then(|value| value.parse().ok());
        self
    }
}

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(value) = &self.authorization {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        if let Some(value) = &self.traceparent {
            request.metadata_mut().insert("traceparent", value.clone());
        }
        Ok(request)
    }
}
