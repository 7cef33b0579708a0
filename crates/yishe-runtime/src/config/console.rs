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

/// `https://idp.hospital.cn` of `https://idp.hospital.cn/oauth2/token`: a host of ASCII
/// letters, digits, dots and hyphens (or a bracketed IPv6 address) with an optional
/// port, and nothing else, since it goes into the page's Content-Security-Policy.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (inside, after) = v6.split_once(']')?;
            let ok = !inside.is_empty()
                && inside
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            (ok, after)
        }
        None => {
            let (host, after) = authority
                .find(':')
                .map_or((authority, ""), |i| authority.split_at(i));
            let ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            (ok, after)
        }
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    (host_ok && port_ok).then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn only_plain_origins_reach_the_policy() {
        assert_eq!(
            origin_of("https://idp.hospital.cn:8443/oauth2/token").as_deref(),
            Some("https://idp.hospital.cn:8443")
        );
        assert_eq!(
            origin_of("http://[::1]:9000/token").as_deref(),
            Some("http://[::1]:9000")
        );
        for bad in [
            "ftp://idp/token",
            "https://认证.医院.cn/token",
            "https://idp.cn; script-src *",
            "https://user@idp.cn/token",
            "https://idp.cn:80x/token",
            "idp.cn/token",
        ] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }
}
