//! The fingerprint of what an idempotent request asked for: the SHA-256 of its
//! canonical JSON, stored with the record it made, so that a resend (the same id, the
//! same fingerprint) replays and a reused id (another fingerprint) is refused.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hex SHA-256 of `payload`'s JSON.
pub fn of(payload: &impl Serialize) -> String {
    let canonical = serde_json::to_vec(payload).expect("request values serialize");
    hex::encode(Sha256::digest(canonical))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_payload_the_same_fingerprint() {
        assert_eq!(super::of(&("h1", "onc")), super::of(&("h1", "onc")));
        assert_ne!(super::of(&("h1", "onc")), super::of(&("h1", "icu")));
        assert_eq!(super::of(&()).len(), 64);
    }
}
