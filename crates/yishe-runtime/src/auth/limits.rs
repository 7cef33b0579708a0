//! Limits on callers, counted in this process (each replica its own): a source address
//! that keeps failing to authenticate is shut out for a while (等保 2.0: 限制非法登录
//! 次数), and each credential may make so many calls a second, so that one runaway
//! integration cannot take the station's capacity from the others.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prometheus::{IntCounter, IntCounterVec};
use yishe_domain::Role;

use crate::Metrics;
use crate::config::LimitsConfig;
use crate::metrics::NO_LABELS;

/// Addresses with failures counted, past which those whose allowance refilled are
/// forgotten.
const FORGET_ABOVE: usize = 10_000;

/// The limits of one process.
pub struct CallerLimits {
    /// Failed authentications per source: a burst of `failed_authentications`, one
    /// more allowed each `window / failed_authentications`.
    failures: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Sources shut out, and until when.
    locked: Mutex<HashMap<IpAddr, Instant>>,
    lockout: Duration,
    /// Calls per credential (the caller's subject).
    calls: Option<DefaultKeyedRateLimiter<String>>,
    /// Whether the source is the last address of `x-forwarded-for` (added by a trusted
    /// proxy in front of Yishe) rather than the connection's peer.
    pub(crate) trust_forwarded_for: bool,
    lockouts: IntCounter,
    rate_limited: IntCounterVec,
}

impl std::fmt::Debug for CallerLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallerLimits")
            .field("lockout", &self.lockout)
            .field("limits_calls", &self.calls.is_some())
            .finish_non_exhaustive()
    }
}

impl CallerLimits {
    /// The limits `config` sets, counted in `metrics`.
    pub fn new(config: &LimitsConfig, metrics: &Metrics) -> Self {
        let failures = NonZeroU32::new(config.failed_authentications).map(|burst| {
            let window = Duration::from_secs(config.failed_window_secs.max(1));
            let quota = Quota::with_period(window / burst.get())
                .expect("a positive period")
                .allow_burst(burst);
            RateLimiter::keyed(quota)
        });
        let calls = NonZeroU32::new(config.calls_per_second).map(|rate| {
            let burst = NonZeroU32::new(config.call_burst).unwrap_or(rate).max(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        Self {
            failures,
            locked: Mutex::default(),
            lockout: Duration::from_secs(config.lockout_secs),
            calls,
            trust_forwarded_for: config.trust_forwarded_for,
            lockouts: metrics
                .counter(
                    "yishe_auth_lockouts_total",
                    "Source addresses shut out after repeated failed authentications.",
                    NO_LABELS,
                )
                .with_label_values(NO_LABELS),
            rate_limited: metrics.counter(
                "yishe_calls_rate_limited_total",
                "Calls refused because their credential was over its rate, by role.",
                &["role"],
            ),
        }
    }

    /// How much longer `source` is shut out, if it is.
    pub fn locked_out(&self, source: IpAddr) -> Option<Duration> {
        let mut locked = self.locked.lock().expect("lockout lock");
        let until = *locked.get(&source)?;
        let now = Instant::now();
        if until > now {
            return Some(until - now);
        }
        locked.remove(&source);
        None
    }

    /// `source` failed to authenticate; `Some(lockout)` when this failure shuts it out.
    pub fn failed(&self, source: IpAddr) -> Option<Duration> {
        let failures = self.failures.as_ref()?;
        if failures.check_key(&source).is_ok() {
            // Addresses whose allowance refilled are forgotten now and then, so that
            // many addresses failing a little do not grow the map without end.
            if failures.len() > FORGET_ABOVE {
                failures.retain_recent();
            }
            return None;
        }
        let mut locked = self.locked.lock().expect("lockout lock");
        // Forget sources whose lockout is over, so the map stays as small as the
        // sources locked out now.
        let now = Instant::now();
        locked.retain(|_, until| *until > now);
        locked.insert(source, now + self.lockout);
        failures.retain_recent();
        self.lockouts.inc();
        Some(self.lockout)
    }

    /// Counts a call of the credential `subject` (of `role`): `Err(retry_after)` when
    /// it is over its rate.
    pub fn call(&self, subject: &str, role: Role) -> Result<(), Duration> {
        let Some(calls) = &self.calls else {
            return Ok(());
        };
        calls.check_key(&subject.to_owned()).map_err(|not_until| {
            self.rate_limited.with_label_values(&[role.as_str()]).inc();
            not_until.wait_time_from(DefaultClock::default().now())
        })
    }
}
