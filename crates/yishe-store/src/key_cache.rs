//! Verified API keys remembered for a second, so that a busy caller does not cost a
//! database read per call.
//!
//! Only keys found valid are remembered, never an unknown or revoked one, so a new
//! key works at once. A change to any key (created or revoked) committed by this
//! process forgets everything at once; another process's change is seen once the
//! entry expires, within `TTL`. A lookup that raced a change (read the database
//! before the change committed, answers after) is not remembered: the generation it
//! started under is gone.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use yishe_domain::directory::ApiKey;

/// How long another process's revocation can go unseen here.
pub const TTL: Duration = Duration::from_secs(1);

/// More distinct keys than a station has; past it the cache starts over rather than
/// grow with whatever secrets callers try.
const CAPACITY: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    entries: Mutex<HashMap<String, (Instant, ApiKey)>>,
    generation: AtomicU64,
}

/// What a lookup saw before it went to the database: hand it back to `remember`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Generation(u64);

impl KeyCache {
    /// The valid key cached under `lookup` (a secret's hash, or certificate names),
    /// unless it expired; otherwise the generation to remember the database's answer
    /// under.
    pub(crate) fn get(&self, lookup: &str) -> Result<ApiKey, Generation> {
        let generation = Generation(self.generation.load(Ordering::Acquire));
        let entries = self.entries.lock().expect("key cache lock");
        match entries.get(lookup) {
            Some((at, key)) if at.elapsed() < TTL => Ok(key.clone()),
            _ => Err(generation),
        }
    }

    /// Remembers `key` (found under `lookup`) if it is valid and no key changed since
    /// `generation` was read.
    pub(crate) fn remember(&self, lookup: &str, key: &ApiKey, generation: Generation) {
        if key.revoked_at.is_some() {
            return;
        }
        let mut entries = self.entries.lock().expect("key cache lock");
        // Checked under the lock `forget_all` takes, so a change cannot slip between.
        if self.generation.load(Ordering::Acquire) != generation.0 {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, (at, _)| at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(lookup.to_owned(), (Instant::now(), key.clone()));
    }

    /// A key changed in this process: nothing remembered is trusted any more.
    pub(crate) fn forget_all(&self) {
        let mut entries = self.entries.lock().expect("key cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yishe_domain::Role;
    use yishe_domain::ids::ApiKeyId;

    fn key() -> ApiKey {
        ApiKey {
            id: ApiKeyId::from_uuid(uuid::Uuid::now_v7()),
            display_name: "his".into(),
            role: Role::HisIntegration,
            hospital: None,
            departments: Vec::new(),
            station: None,
            worker: None,
            volunteer: None,
            certificate_subject: None,
            read_only: false,
            secret_hash: "h".into(),
            created_at: chrono::Utc::now(),
            revoked_at: None,
        }
    }

    #[test]
    fn a_valid_key_is_remembered_until_a_change() {
        let cache = KeyCache::default();
        let generation = cache.get("h").unwrap_err();
        cache.remember("h", &key(), generation);
        assert!(cache.get("h").is_ok());
        cache.forget_all();
        assert!(cache.get("h").is_err());
    }

    #[test]
    fn a_lookup_that_raced_a_change_is_not_remembered() {
        let cache = KeyCache::default();
        let before = cache.get("h").unwrap_err();
        cache.forget_all();
        cache.remember("h", &key(), before);
        assert!(cache.get("h").is_err());
    }

    #[test]
    fn a_revoked_key_is_never_remembered() {
        let cache = KeyCache::default();
        let mut revoked = key();
        revoked.revoked_at = Some(chrono::Utc::now());
        let generation = cache.get("h").unwrap_err();
        cache.remember("h", &revoked, generation);
        assert!(cache.get("h").is_err());
    }
}
