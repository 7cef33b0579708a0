//! The station's web console: where it is served, and when it signs an idle person out.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsoleConfig {
    /// Whether the console's listener is opened at all.
    pub enabled: bool,
    /// Its own listener: the console's files and gRPC-Web to the same services, for
    /// browsers (no client certificate asked, unlike an HIS port with mutual TLS).
    pub listen: SocketAddr,
    /// Minutes without a key press or click after which the console signs out.
    pub idle_minutes: u32,
    /// Sign-in through the hospital's SSO (OpenID Connect, authorization code with
    /// PKCE), offered beside personal keys once the authorization endpoint, the token
    /// endpoint and the client id are all set. The tokens it returns are verified as
    /// every staff token is (`jwt.*`).
    pub oidc_authorization_endpoint: String,
    pub oidc_token_endpoint: String,
    pub oidc_client_id: String,
    pub oidc_scope: String,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: ([127, 0, 0, 1], 8080).into(),
            idle_minutes: 15,
            oidc_authorization_endpoint: String::new(),
            oidc_token_endpoint: String::new(),
            oidc_client_id: String::new(),
            oidc_scope: "openid".into(),
        }
    }
}

impl ConsoleConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.idle_minutes == 0 || self.idle_minutes > 24 * 60 {
            return Err("console.idle_minutes must be 1 to 1440".into());
        }
        for (name, url) in [
            (
                "console.oidc_authorization_endpoint",
                &self.oidc_authorization_endpoint,
            ),
            ("console.oidc_token_endpoint", &self.oidc_token_endpoint),
        ] {
            if !url.is_empty() && origin_of(url).is_none() {
                return Err(format!("{name} {url:?} is not an http(s) URL"));
            }
        }
        Ok(())
    }

    /// The SSO sign-in, when it is fully configured.
    pub fn oidc(&self) -> Option<Oidc> {
        let set = |s: &String| !s.is_empty();
        (set(&self.oidc_authorization_endpoint)
            && set(&self.oidc_token_endpoint)
            && set(&self.oidc_client_id))
        .then(|| Oidc {
            authorization_endpoint: self.oidc_authorization_endpoint.clone(),
            token_endpoint: self.oidc_token_endpoint.clone(),
            client_id: self.oidc_client_id.clone(),
            scope: self.oidc_scope.clone(),
        })
    }
}

/// The hospital's SSO as the console's page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oidc {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub client_id: String,
    pub scope: String,
}

impl Oidc {
    /// The token endpoint's origin, which the page must be allowed to call.
    pub fn token_origin(&self) -> String {
        origin_of(&self.token_endpoint).unwrap_or_default()
    }
}

/// `https://idp.hospital.cn` of `https://idp.hospital.cn/oauth2/token`.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| format!("{scheme}://{host}"))
}
