//! Staff tokens (JWTs) from the hospital's or station's identity provider.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Secret;

/// How staff tokens are verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JwtConfig {
    /// The `iss` tokens must carry; empty turns tokens off.
    pub issuer: String,
    /// The `aud` tokens must carry.
    pub audience: String,
    /// Accepted algorithms: any of `EdDSA`, `ES256`, `RS256`.
    pub algorithms: Vec<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds (at most 60).
    pub leeway_secs: u64,
    /// A JWKS file with the identity provider's public keys.
    pub jwks_file: Option<PathBuf>,
    /// Public keys given inline, as PEM.
    pub keys: Vec<JwtKey>,
}

/// One trusted public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtKey {
    /// The `kid` tokens signed with it carry (may be empty if only one key).
    #[serde(default)]
    pub kid: String,
    /// `EdDSA`, `ES256` or `RS256`.
    pub algorithm: String,
    /// The SubjectPublicKeyInfo PEM. Not a secret, but key material has no business
    /// in a log line, so it never prints either.
    pub public_key_pem: Secret,
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            audience: String::new(),
            algorithms: vec!["EdDSA".into(), "ES256".into(), "RS256".into()],
            leeway_secs: 60,
            jwks_file: None,
            keys: Vec::new(),
        }
    }
}

impl JwtConfig {
    pub fn enabled(&self) -> bool {
        !self.issuer.trim().is_empty()
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if !self.enabled() {
            return Ok(());
        }
        if self.audience.trim().is_empty() {
            return Err("jwt.audience is required when jwt.issuer is set".into());
        }
        if self.leeway_secs > 60 {
            return Err("jwt.leeway_secs may be at most 60".into());
        }
        if self.algorithms.is_empty() {
            return Err("jwt.algorithms needs at least one of EdDSA, ES256, RS256".into());
        }
        for alg in self
            .algorithms
            .iter()
            .chain(self.keys.iter().map(|k| &k.algorithm))
        {
            if !matches!(alg.as_str(), "EdDSA" | "ES256" | "RS256") {
                return Err(format!(
                    "jwt algorithm {alg:?} is not one of EdDSA, ES256, RS256"
                ));
            }
        }
        if self.jwks_file.is_none() && self.keys.is_empty() {
            return Err("jwt needs public keys: jwt.jwks_file or jwt.keys".into());
        }
        Ok(())
    }
}
