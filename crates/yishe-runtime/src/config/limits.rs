//! Limits on callers: how many failed authentications shut a source out, for how long,
//! and how many calls a second each credential may make.

use serde::{Deserialize, Serialize};

/// A lockout longer than a day locks out the legitimate client a misconfigured one
/// shares its address with: an operator, not a timer, should act then.
const MAX_LOCKOUT_SECS: u64 = 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    /// Failed authentications an address may make in a row before it is shut out;
    /// it earns one more each `failed_window_secs / failed_authentications` seconds
    /// (with the defaults: 20 in a row, then one every 15 s). 0: never shut out.
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
        if self.failed_authentications == 0 {
            return Ok(());
        }
        if self.failed_window_secs == 0 || self.lockout_secs == 0 {
            return Err(
                "limits.failed_window_secs and limits.lockout_secs must be positive".into(),
            );
        }
        if self.lockout_secs > MAX_LOCKOUT_SECS {
            return Err(format!(
                "limits.lockout_secs must be at most {MAX_LOCKOUT_SECS} (a day)"
            ));
        }
        // The allowance refills one failure per window / count: at least a millisecond.
        if u64::from(self.failed_authentications) > self.failed_window_secs.saturating_mul(1000) {
            return Err(
                "limits.failed_authentications must be at most 1000 per second of \
                 limits.failed_window_secs"
                    .into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_that_would_overflow_or_lock_for_ever_are_refused() {
        assert!(LimitsConfig::default().validate().is_ok());
        let off = LimitsConfig {
            failed_authentications: 0,
            lockout_secs: u64::MAX,
            ..LimitsConfig::default()
        };
        assert!(off.validate().is_ok(), "no lockout, nothing to check");
        for bad in [
            LimitsConfig {
                lockout_secs: u64::MAX,
                ..LimitsConfig::default()
            },
            LimitsConfig {
                failed_window_secs: 0,
                ..LimitsConfig::default()
            },
            LimitsConfig {
                failed_authentications: u32::MAX,
                failed_window_secs: 1,
                ..LimitsConfig::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
