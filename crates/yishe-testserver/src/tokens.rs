//! Staff tokens for tests: the test server trusts the fixture keys in `fixtures/jwt`
//! (public, test-only), and `mint` signs tokens with them.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use yishe_runtime::config::{JwtConfig, JwtKey};

pub const ISSUER: &str = "https://idp.hospital.test";
pub const AUDIENCE: &str = "yishe";

const ED25519: &str = include_str!("../fixtures/jwt/ed25519.pem");
const ED25519_PUB: &str = include_str!("../fixtures/jwt/ed25519.pub.pem");
const ES256: &str = include_str!("../fixtures/jwt/es256.pem");
const ES256_PUB: &str = include_str!("../fixtures/jwt/es256.pub.pem");
const RS256: &str = include_str!("../fixtures/jwt/rs256.pem");
const RS256_PUB: &str = include_str!("../fixtures/jwt/rs256.pub.pem");
const UNKNOWN: &str = include_str!("../fixtures/jwt/unknown-ed25519.pem");

/// Which key signs a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    Ed25519,
    Es256,
    Rs256,
    /// An Ed25519 key the server does not trust (claiming the trusted key's kid).
    Unknown,
}

impl Signer {
    pub const TRUSTED: [Signer; 3] = [Signer::Ed25519, Signer::Es256, Signer::Rs256];

    fn parts(self) -> (Algorithm, &'static str, EncodingKey) {
        match self {
            Signer::Ed25519 => (
                Algorithm::EdDSA,
                "ed",
                EncodingKey::from_ed_pem(ED25519.as_bytes()).unwrap(),
            ),
            Signer::Es256 => (
                Algorithm::ES256,
                "es",
                EncodingKey::from_ec_pem(ES256.as_bytes()).unwrap(),
            ),
            Signer::Rs256 => (
                Algorithm::RS256,
                "rs",
                EncodingKey::from_rsa_pem(RS256.as_bytes()).unwrap(),
            ),
            Signer::Unknown => (
                Algorithm::EdDSA,
                "ed",
                EncodingKey::from_ed_pem(UNKNOWN.as_bytes()).unwrap(),
            ),
        }
    }
}

/// The test server's token settings: the three fixture keys, by kid.
pub fn jwt_config() -> JwtConfig {
    JwtConfig {
        issuer: ISSUER.into(),
        audience: AUDIENCE.into(),
        keys: vec![
            JwtKey {
                kid: "ed".into(),
                algorithm: "EdDSA".into(),
                public_key_pem: ED25519_PUB.into(),
            },
            JwtKey {
                kid: "es".into(),
                algorithm: "ES256".into(),
                public_key_pem: ES256_PUB.into(),
            },
            JwtKey {
                kid: "rs".into(),
                algorithm: "RS256".into(),
                public_key_pem: RS256_PUB.into(),
            },
        ],
        ..JwtConfig::default()
    }
}

/// The registered claims of a token valid for the next ten minutes.
pub fn valid_claims(subject: &str) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    json!({ "iss": ISSUER, "aud": AUDIENCE, "sub": subject, "iat": now, "nbf": now, "exp": now + 600 })
}

/// Signs `claims` (merged over `valid_claims`) with `signer`.
pub fn mint(signer: Signer, subject: &str, claims: Value) -> String {
    let mut all = valid_claims(subject);
    if let (Some(all), Some(extra)) = (all.as_object_mut(), claims.as_object()) {
        for (k, v) in extra {
            all.insert(k.clone(), v.clone());
        }
    }
    let (alg, kid, key) = signer.parts();
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, &all, &key).unwrap()
}

/// The test-only Ed25519 private key (PEM), for the CLI's `token mint`.
pub fn ed25519_signing_pem() -> &'static str {
    ED25519
}
