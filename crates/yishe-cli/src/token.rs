//! `yishe token mint`: a short-lived staff token signed locally.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::args::MintToken;
use crate::failure::Failure;

pub(crate) fn mint(args: &MintToken) -> Result<String, Failure> {
    if !(60..=3600).contains(&args.ttl_secs) {
        return Err(Failure::local(
            "--ttl-secs must be 60 to 3600: staff tokens are short-lived",
        ));
    }
    let pem = std::fs::read(&args.signing_key)
        .map_err(|e| Failure::local(format!("cannot read {}: {e}", args.signing_key.display())))?;
    let (algorithm, key) = match args.algorithm.as_str() {
        "EdDSA" => (Algorithm::EdDSA, EncodingKey::from_ed_pem(&pem)),
        "ES256" => (Algorithm::ES256, EncodingKey::from_ec_pem(&pem)),
        "RS256" => (Algorithm::RS256, EncodingKey::from_rsa_pem(&pem)),
        other => {
            return Err(Failure::local(format!(
                "--algorithm {other:?}: use EdDSA, ES256 or RS256"
            )));
        }
    };
    let key = key.map_err(|e| {
        Failure::local(format!(
            "the signing key is not a {} PKCS#8 PEM key: {e}",
            args.algorithm
        ))
    })?;
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": args.issuer,
        "aud": args.audience,
        "sub": args.subject,
        "role": args.role,
        "iat": now,
        "nbf": now,
        "exp": now + args.ttl_secs as i64,
    });
    for (name, value) in [
        ("station", &args.station),
        ("worker", &args.worker),
        ("hospital", &args.hospital),
    ] {
        if let Some(value) = value {
            claims[name] = json!(value);
        }
    }
    if !args.departments.is_empty() {
        claims["departments"] = json!(args.departments);
    }
    let mut header = Header::new(algorithm);
    if !args.kid.is_empty() {
        header.kid = Some(args.kid.clone());
    }
    jsonwebtoken::encode(&header, &claims, &key)
        .map_err(|e| Failure::local(format!("cannot sign: {e}")))
}
