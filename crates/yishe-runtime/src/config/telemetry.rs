//! Logging.

use serde::{Deserialize, Serialize};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TelemetryConfig {
    pub log_format: LogFormat,
    /// A tracing filter, such as `info` or `yishe=debug,info`.
    pub log_level: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            log_format: LogFormat::Human,
            log_level: "info".into(),
        }
    }
}

impl TelemetryConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if tracing_subscriber::EnvFilter::try_new(&self.log_level).is_err() {
            return Err(format!(
                "log_level {:?} is not a valid filter",
                self.log_level
            ));
        }
        Ok(())
    }
}
