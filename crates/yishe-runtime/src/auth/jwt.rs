//! Staff tokens: JWTs from the hospital's or station's identity provider, verified
//! against configured public keys (EdDSA, ES256, RS256 only), with `iss`, `aud`,
//! `exp` and `nbf` checked and at most 60 s of clock skew. The claims name the role
//! and the scope.

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use yishe_domain::{
    Caller, DepartmentId, HospitalId, Role, SocialWorkerId, StationId, VolunteerId,
};

use super::layer::AuthError;
use crate::config::JwtConfig;

/// The claims Yishe reads beside the registered ones.
#[derive(Debug, Deserialize)]
struct StaffClaims {
    sub: String,
    role: String,
    #[serde(default)]
    station: Option<String>,
    #[serde(default)]
    worker: Option<String>,
    #[serde(default)]
    hospital: Option<String>,
    #[serde(default)]
    departments: Vec<String>,
    #[serde(default)]
    volunteer: Option<String>,
}

/// A trusted key.
struct TrustedKey {
    kid: String,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Verifies staff tokens.
pub struct JwtVerifier {
    keys: Vec<TrustedKey>,
    algorithms: Vec<Algorithm>,
    issuer: String,
    audience: String,
    leeway: u64,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field(
                "keys",
                &self
                    .keys
                    .iter()
                    .map(|k| (&k.kid, k.algorithm))
                    .collect::<Vec<_>>(),
            )
            .field("issuer", &self.issuer)
            .finish()
    }
}

fn algorithm(name: &str) -> Result<Algorithm, String> {
    match name {
        "EdDSA" => Ok(Algorithm::EdDSA),
        "ES256" => Ok(Algorithm::ES256),
        "RS256" => Ok(Algorithm::RS256),
        other => Err(format!("algorithm {other:?} is not accepted")),
    }
}

impl JwtVerifier {
    /// Loads the configured keys; an unreadable key is a configuration error.
    pub fn from_config(config: &JwtConfig) -> Result<Self, String> {
        let mut keys = Vec::new();
        for k in &config.keys {
            let alg = algorithm(&k.algorithm)?;
            let pem = k.public_key_pem.expose().as_bytes();
            let key = match alg {
                Algorithm::EdDSA => DecodingKey::from_ed_pem(pem),
                Algorithm::ES256 => DecodingKey::from_ec_pem(pem),
                _ => DecodingKey::from_rsa_pem(pem),
            }
            .map_err(|e| format!("jwt key {:?}: {e}", k.kid))?;
            keys.push(TrustedKey {
                kid: k.kid.clone(),
                algorithm: alg,
                key,
            });
        }
        if let Some(path) = &config.jwks_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read jwt.jwks_file {}: {e}", path.display()))?;
            let set: JwkSet = serde_json::from_str(&text)
                .map_err(|e| format!("jwt.jwks_file {} is not a JWKS: {e}", path.display()))?;
            for jwk in &set.keys {
                let alg = match (&jwk.common.key_algorithm, &jwk.algorithm) {
                    (Some(KeyAlgorithm::EdDSA), _)
                    | (None, AlgorithmParameters::OctetKeyPair(_)) => Algorithm::EdDSA,
                    (Some(KeyAlgorithm::ES256), _)
                    | (None, AlgorithmParameters::EllipticCurve(_)) => Algorithm::ES256,
                    (Some(KeyAlgorithm::RS256), _) | (None, AlgorithmParameters::RSA(_)) => {
                        Algorithm::RS256
                    }
                    _ => continue, // keys for algorithms Yishe does not accept are ignored
                };
                let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("jwks key: {e}"))?;
                keys.push(TrustedKey {
                    kid: jwk.common.key_id.clone().unwrap_or_default(),
                    algorithm: alg,
                    key,
                });
            }
        }
        let algorithms = config
            .algorithms
            .iter()
            .map(|a| algorithm(a))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err("jwt has no usable public key".into());
        }
        Ok(Self {
            keys,
            algorithms,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            leeway: config.leeway_secs.min(60),
        })
    }

    /// The caller a token describes, if it is valid now.
    pub fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Malformed)?;
        if !self.algorithms.contains(&header.alg) {
            return Err(AuthError::Rejected("token algorithm not accepted"));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let candidates = self.keys.iter().filter(|k| {
            k.algorithm == header.alg && header.kid.as_ref().is_none_or(|kid| *kid == k.kid)
        });
        let mut last = AuthError::Unverified;
        for candidate in candidates {
            match jsonwebtoken::decode::<StaffClaims>(token, &candidate.key, &validation) {
                Ok(data) => return caller(data.claims),
                Err(e) => {
                    use jsonwebtoken::errors::ErrorKind;
                    last = match e.kind() {
                        ErrorKind::InvalidSignature => AuthError::Unverified,
                        ErrorKind::ExpiredSignature => AuthError::Rejected("token expired"),
                        ErrorKind::ImmatureSignature => AuthError::Rejected("token not valid yet"),
                        ErrorKind::InvalidAudience => {
                            AuthError::Rejected("token for another audience")
                        }
                        ErrorKind::InvalidIssuer => {
                            AuthError::Rejected("token from another issuer")
                        }
                        _ => AuthError::Rejected("token invalid"),
                    };
                    if !matches!(e.kind(), ErrorKind::InvalidSignature) {
                        return Err(last);
                    }
                }
            }
        }
        Err(last)
    }
}

/// The caller the claims describe; claims that do not add up are refused.
fn caller(claims: StaffClaims) -> Result<Caller, AuthError> {
    let bad = AuthError::Rejected("token claims do not describe a Yishe caller");
    let role = Role::parse(&claims.role).ok_or(AuthError::Rejected("token role unknown"))?;
    let station = claims
        .station
        .as_deref()
        .map(|s| StationId::parse(s).ok_or(AuthError::Rejected("token station invalid")))
        .transpose()?;
    let worker = claims
        .worker
        .as_deref()
        .map(|w| SocialWorkerId::parse(w).ok_or(AuthError::Rejected("token worker invalid")))
        .transpose()?;
    let hospital = claims
        .hospital
        .as_deref()
        .map(|h| HospitalId::parse(h).ok_or(AuthError::Rejected("token hospital invalid")))
        .transpose()?;
    let departments = claims
        .departments
        .iter()
        .map(|d| DepartmentId::parse(d).ok_or(AuthError::Rejected("token department invalid")))
        .collect::<Result<Vec<_>, _>>()?;
    let volunteer = claims
        .volunteer
        .as_deref()
        .map(|v| VolunteerId::parse(v).ok_or(AuthError::Rejected("token volunteer invalid")))
        .transpose()?;
    let complete = match role {
        Role::HisIntegration => hospital.is_some() && !departments.is_empty(),
        Role::SocialWorker => station.is_some() && worker.is_some(),
        Role::Supervisor | Role::StationAdmin => station.is_some(),
        Role::Volunteer => station.is_some() && volunteer.is_some(),
        Role::Auditor | Role::Ops => true,
    };
    if !complete || claims.sub.is_empty() || claims.sub.len() > 200 {
        return Err(bad);
    }
    Ok(Caller {
        subject: format!("jwt:{}", claims.sub),
        role,
        hospital: if role == Role::HisIntegration {
            hospital
        } else {
            None
        },
        departments: if role == Role::HisIntegration {
            departments
        } else {
            Vec::new()
        },
        station: if role.is_station_role() {
            station
        } else {
            None
        },
        worker,
        volunteer: volunteer.filter(|_| role == Role::Volunteer),
        read_only: false,
    })
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../yishe-testserver/fixtures/jwt"
    );

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn config() -> JwtConfig {
        JwtConfig {
            issuer: "iss".into(),
            audience: "aud".into(),
            jwks_file: Some(format!("{FIXTURES}/jwks.json").into()),
            ..JwtConfig::default()
        }
    }

    fn token(alg: Algorithm, kid: &str, key: EncodingKey, claims: serde_json::Value) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut all =
            json!({ "iss": "iss", "aud": "aud", "sub": "li.si", "exp": now + 300, "nbf": now });
        for (k, v) in claims.as_object().unwrap() {
            all[k] = v.clone();
        }
        let mut header = Header::new(alg);
        header.kid = Some(kid.into());
        jsonwebtoken::encode(&header, &all, &key).unwrap()
    }

    #[test]
    fn keys_from_a_jwks_file_verify_tokens() {
        let verifier = JwtVerifier::from_config(&config()).unwrap();
        let ed = EncodingKey::from_ed_pem(fixture("ed25519.pem").as_bytes()).unwrap();
        let caller = verifier
            .verify(&token(
                Algorithm::EdDSA,
                "ed-jwks",
                ed,
                json!({ "role": "supervisor", "station": "s1" }),
            ))
            .unwrap();
        assert_eq!(caller.role, Role::Supervisor);
        assert_eq!(caller.subject, "jwt:li.si");
        assert_eq!(caller.station, StationId::parse("s1"));

        let es = EncodingKey::from_ec_pem(fixture("es256.pem").as_bytes()).unwrap();
        let worker = SocialWorkerId::new().to_string();
        let caller = verifier
            .verify(&token(
                Algorithm::ES256,
                "es-jwks",
                es,
                json!({ "role": "social_worker", "station": "s1", "worker": worker }),
            ))
            .unwrap();
        assert_eq!(caller.worker.map(|w| w.to_string()), Some(worker));
    }

    #[test]
    fn a_key_under_another_kid_does_not_verify() {
        let verifier = JwtVerifier::from_config(&config()).unwrap();
        let ed = EncodingKey::from_ed_pem(fixture("unknown-ed25519.pem").as_bytes()).unwrap();
        let refused = verifier.verify(&token(
            Algorithm::EdDSA,
            "ed-jwks",
            ed,
            json!({ "role": "auditor" }),
        ));
        assert!(matches!(refused, Err(AuthError::Unverified)));
    }

    #[test]
    fn unreadable_keys_are_configuration_errors() {
        let mut bad = config();
        bad.jwks_file = Some("/nonexistent/jwks.json".into());
        assert!(JwtVerifier::from_config(&bad).is_err());
        let mut bad = config();
        bad.jwks_file = None;
        bad.keys = vec![crate::config::JwtKey {
            kid: "x".into(),
            algorithm: "EdDSA".into(),
            public_key_pem: "not a pem".into(),
        }];
        assert!(JwtVerifier::from_config(&bad).is_err());
    }
}
