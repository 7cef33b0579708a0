//! Optimistic concurrency: every change sends the etag last read, and a record that
//! moved on since is refused (ABORTED) instead of being overwritten.

/// The etag a client sends back: a record's version as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Etag(String);

impl Etag {
    /// The etag of a record at `version`.
    pub fn of(version: impl std::fmt::Display) -> Self {
        Self(version.to_string())
    }

    /// The etag a request carries; `None` when it sent none (the field is required).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (!text.is_empty()).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `Ok` when this etag names `current`, the record's version now.
    pub fn check(
        &self,
        current: impl std::fmt::Display,
        record: &'static str,
    ) -> Result<(), StaleEtag> {
        if self.0 == current.to_string() {
            Ok(())
        } else {
            Err(StaleEtag { record })
        }
    }
}

impl std::fmt::Display for Etag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The record changed since the client read it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the etag does not match: the {record} changed since it was read; read it again")]
pub struct StaleEtag {
    pub record: &'static str,
}

impl crate::ServiceError for StaleEtag {
    fn code(&self) -> crate::Code {
        crate::Code::Aborted
    }

    fn reason(&self) -> &'static str {
        "STALE_ETAG"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_is_required_and_compared_as_sent() {
        assert_eq!(Etag::parse("  "), None);
        let etag = Etag::parse(" 3 ").unwrap();
        assert_eq!(etag, Etag::of(3));
        assert!(etag.check(3, "referral").is_ok());
        let stale = etag.check(4, "referral").unwrap_err();
        assert!(stale.to_string().contains("the referral changed"));
        assert!(
            Etag::parse("W/\"3\"")
                .unwrap()
                .check(3, "referral")
                .is_err()
        );
    }
}
