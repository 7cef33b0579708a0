//! The listeners and how calls are served: timeouts, load shedding, draining.

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    /// The gRPC listener.
    pub grpc_listen: SocketAddr,
    /// The HTTP listener for `/metrics` and `/healthz`.
    pub http_listen: SocketAddr,
    /// Longest a unary call may take, in seconds.
    pub request_timeout_secs: u64,
    /// Calls handled at once; more are refused at once with RESOURCE_EXHAUSTED.
    pub max_concurrent_requests: usize,
    /// How long in-flight calls may take to finish after a shutdown signal, in seconds.
    pub shutdown_grace_secs: u64,
    /// Seconds after which a client's connection is asked to go away (HTTP/2 GOAWAY) so
    /// that it reconnects, possibly to another replica behind the load balancer; calls
    /// open then get `max_connection_age_grace_secs` to finish (a watch of the feed
    /// resumes from its cursor). 0: connections stay.
    pub max_connection_age_secs: u64,
    pub max_connection_age_grace_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            grpc_listen: ([127, 0, 0, 1], 50051).into(),
            http_listen: ([127, 0, 0, 1], 9464).into(),
            request_timeout_secs: 30,
            max_concurrent_requests: 256,
            shutdown_grace_secs: 20,
            max_connection_age_secs: 0,
            max_connection_age_grace_secs: 30,
        }
    }
}

impl ServerConfig {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// How long a connection may live, if limited: with its grace period.
    pub fn max_connection_age(&self) -> Option<(Duration, Duration)> {
        (self.max_connection_age_secs > 0).then(|| {
            (
                Duration::from_secs(self.max_connection_age_secs),
                Duration::from_secs(self.max_connection_age_grace_secs),
            )
        })
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.request_timeout_secs == 0 || self.shutdown_grace_secs == 0 {
            return Err("request_timeout_secs and shutdown_grace_secs must be positive".into());
        }
        if self.max_concurrent_requests == 0 {
            return Err("max_concurrent_requests must be positive".into());
        }
        Ok(())
    }
}
