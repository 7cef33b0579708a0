//! Who may call, over what, and the keys that seal patient data at rest.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{JwtConfig, LimitsConfig, Secret, TlsConfig};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityConfig {
    /// Staff tokens (JWTs) from an identity provider; off while `issuer` is empty.
    pub jwt: JwtConfig,
    /// TLS for the listeners, and client certificates for HIS integrations.
    pub tls: TlsConfig,
    /// The keyring file for encryption at rest; empty means `encryption.keys` in
    /// `data_dir`, created (mode 0600) on first start.
    pub encryption_key_file: PathBuf,
    /// The keyring itself, inline (for keys handed in by the environment as
    /// `YISHE_ENCRYPTION_KEYS`); wins over the file.
    pub encryption_keys: Secret,
    /// The cipher of the keys this installation makes: the first keyring's and every
    /// rotation's (`aes-256-gcm` or `sm4-gcm`). Keys already in the keyring keep theirs
    /// until rotation re-seals their records.
    pub encryption_algorithm: yishe_store::EncryptionAlgorithm,
    /// Failed authentications that shut a source out, and calls per credential.
    pub limits: LimitsConfig,
}

impl SecurityConfig {
    /// The keyring file to read (or create), or `None` when the keys are given inline
    /// and a rotation must happen where they come from.
    pub fn key_file(&self, data_dir: &Path) -> Option<PathBuf> {
        self.encryption_keys
            .is_empty()
            .then(|| self.effective_key_file(data_dir))
    }

    /// Where the keyring file is (or will be created).
    pub fn effective_key_file(&self, data_dir: &Path) -> PathBuf {
        if self.encryption_key_file.as_os_str().is_empty() {
            data_dir.join("encryption.keys")
        } else {
            self.encryption_key_file.clone()
        }
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        self.jwt.validate()?;
        self.limits.validate()?;
        self.tls.validate()
    }
}
