//! Limits on callers: how many failed authentications shut a source out, for how long,
//! and how many calls a second each credential may make.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    /// Failed authentications from one source address within `failed_window_secs`
    /// after which the source is shut out; 0: never.
    pub failed_authentications: u32,
    pub failed_window_secs: u64,
    /// How long a source is shut out, in seconds.
    pub lockout_secs: u64,
    /// Calls a second each credential may make on average, and in a burst; 0: no limit.
    pub calls_per_second: u32,
    pub call_burst: u32,
    /// Take the source address from the last entry of `x-forwarded-for`, which the
    /// proxy in front of Yishe (a gateway, a load balancer) adds: set it only behind
    /// such a proxy, or a client could name any address.
    pub trust_forwarded_for: bool,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            failed_authentications: 20,
            failed_window_secs: 300,
            lockout_secs: 900,
            calls_per_second: 500,
            call_burst: 1000,
            trust_forwarded_for: false,
        }
    }
}

impl LimitsConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.failed_authentications > 0
            && (self.failed_window_secs == 0 || self.lockout_secs == 0)
        {
            return Err(
                "limits.failed_window_secs and limits.lockout_secs must be positive".into(),
            );
        }
        Ok(())
    }
}
