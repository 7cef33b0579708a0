//! API key secrets: high-entropy random strings, stored only as their SHA-256 hash. A
//! slow password hash is not needed: 256 random bits cannot be guessed offline.

use sha2::{Digest, Sha256};

/// The prefix that makes a Yishe key recognisable (to people and secret scanners).
pub const PREFIX: &str = "ysk_";

/// A new secret: the prefix and 32 random bytes in hex.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    format!("{PREFIX}{}", hex::encode(bytes))
}

/// The hash stored for, and looked up by, a secret.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_hash_stably() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert!(!hash(&a).contains(&a[PREFIX.len()..]));
    }
}
