//! The station's web console: where it is served, and when it signs an idle person out.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsoleConfig {
    /// Whether the console's listener is opened at all.
    pub enabled: bool,
    /// Its own listener: the console's files and gRPC-Web to the same services, for
    /// browsers (no client certificate asked, unlike an HIS port with mutual TLS).
    pub listen: SocketAddr,
    /// Minutes without a key press or click after which the console signs out.
    pub idle_minutes: u32,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: ([127, 0, 0, 1], 8080).into(),
            idle_minutes: 15,
        }
    }
}

impl ConsoleConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.idle_minutes == 0 || self.idle_minutes > 24 * 60 {
            return Err("console.idle_minutes must be 1 to 1440".into());
        }
        Ok(())
    }
}
