//! The installation's signature on audit checkpoints: an Ed25519 key derived from the
//! keyring's lookup key (HKDF-SHA256), which rotation leaves alone, so one public key
//! verifies every checkpoint an installation ever published.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, SubsecRound, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use yishe_domain::audit::{AuditCheckpoint, CHECKPOINT_KIND};

use crate::Crypto;

/// Signs and verifies this installation's checkpoints.
pub struct CheckpointSigner {
    key: SigningKey,
}

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointSigner")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl CheckpointSigner {
    /// The signer of the installation whose keys `crypto` holds.
    pub fn of(crypto: &Crypto) -> Self {
        Self {
            key: SigningKey::from_bytes(&crypto.keyring().checkpoint_seed()),
        }
    }

    /// The public key (base64) that verifies this installation's checkpoints.
    pub fn public_key(&self) -> String {
        STANDARD.encode(self.key.verifying_key().as_bytes())
    }

    /// A checkpoint of the chain's head at `sequence` with `head_hash`, signed at `at`.
    pub fn sign(&self, sequence: u64, head_hash: &str, at: DateTime<Utc>) -> AuditCheckpoint {
        // Microseconds, as both engines store a time and the signed message spells it.
        let at = at.trunc_subsecs(6);
        let message = AuditCheckpoint::signed_message(sequence, head_hash, at);
        AuditCheckpoint {
            kind: CHECKPOINT_KIND.to_owned(),
            sequence,
            head_hash: head_hash.to_owned(),
            signed_at: at,
            public_key: self.public_key(),
            signature: STANDARD.encode(self.key.sign(&message).to_bytes()),
        }
    }

    /// `Ok` when this installation signed `checkpoint` as it stands; otherwise what
    /// is wrong, worded to follow "the checkpoint of sequence N".
    pub fn verify(&self, checkpoint: &AuditCheckpoint) -> Result<(), &'static str> {
        if checkpoint.public_key != self.public_key() {
            return Err("was signed by another key than this installation's");
        }
        let verifying: VerifyingKey = self.key.verifying_key();
        let signature = STANDARD
            .decode(&checkpoint.signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or("carries no readable signature")?;
        let message = AuditCheckpoint::signed_message(
            checkpoint.sequence,
            &checkpoint.head_hash,
            checkpoint.signed_at,
        );
        verifying
            .verify(&message, &signature)
            .map_err(|_| "does not match its signature (it was altered or forged)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Keyring;

    #[test]
    fn a_checkpoint_verifies_until_anything_in_it_changes() {
        let crypto = Crypto::new(Keyring::generate());
        let signer = CheckpointSigner::of(&crypto);
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let checkpoint = signer.sign(7, &"ab".repeat(32), at);
        assert_eq!(signer.verify(&checkpoint), Ok(()));

        let mut moved = checkpoint.clone();
        moved.sequence = 6;
        assert!(
            signer.verify(&moved).is_err(),
            "a lower sequence, as after a cut"
        );
        let mut rehashed = checkpoint.clone();
        rehashed.head_hash = "cd".repeat(32);
        assert!(signer.verify(&rehashed).is_err());

        // Another installation's key, even with its own valid signature, is refused.
        let stranger = CheckpointSigner::of(&Crypto::new(Keyring::generate()));
        assert!(
            signer
                .verify(&stranger.sign(7, &"ab".repeat(32), at))
                .is_err()
        );

        // Rotating the encryption keys keeps the signing key.
        let rotated = Crypto::new(crypto.keyring().rotated());
        assert_eq!(
            CheckpointSigner::of(&rotated).public_key(),
            signer.public_key()
        );
    }
}
