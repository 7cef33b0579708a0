//! Idempotent directory creates: a request id the station's keys share, so that a
//! create resent after a lost answer (from any of the station's keys) returns what
//! the first made instead of a second department, worker or key.

use serde::Serialize;
use yishe_domain::{StationId, Violations};
use yishe_store::{DirectoryRequest, Tx};

use crate::error::{Refusal, Result};

/// The longest request id.
const MAX_REQUEST_ID: usize = 128;

/// A create's request id, checked: `None` when the caller sent none.
pub(crate) fn request_id(text: &str) -> Result<Option<String>, Violations> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_REQUEST_ID {
        return Err(Violations::one(
            "request_id",
            format!("must be at most {MAX_REQUEST_ID} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// One idempotent create: which station's keys share the request id, the id, what
/// kind of record it makes, and the hash of what was asked.
#[derive(Debug, Clone)]
pub(crate) struct Idempotent {
    station: StationId,
    request_id: String,
    kind: &'static str,
    fingerprint: String,
}

impl Idempotent {
    /// `None` when the caller sent no request id.
    pub(crate) fn of(
        station: &StationId,
        request_id: Option<String>,
        kind: &'static str,
        payload: &impl Serialize,
    ) -> Option<Self> {
        request_id.map(|request_id| Self {
            station: station.clone(),
            request_id,
            kind,
            fingerprint: yishe_runtime::fingerprint::of(payload),
        })
    }

    /// The record an earlier create with this request id made, if any; a reuse of the
    /// id for another payload (or another kind of record) is refused.
    pub(crate) async fn earlier(&self, tx: &mut dyn Tx) -> Result<Option<uuid::Uuid>> {
        match tx
            .directory_request(&self.station, &self.request_id)
            .await?
        {
            None => Ok(None),
            Some(found) if found.kind == self.kind && found.fingerprint == self.fingerprint => {
                Ok(Some(found.resource_id))
            }
            Some(_) => Err(Refusal::RequestIdReused.into()),
        }
    }

    /// Remembers that this create made `resource_id`.
    pub(crate) async fn record(
        &self,
        tx: &mut dyn Tx,
        resource_id: uuid::Uuid,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        tx.record_directory_request(&DirectoryRequest {
            station: self.station.clone(),
            request_id: self.request_id.clone(),
            kind: self.kind.to_owned(),
            resource_id,
            fingerprint: self.fingerprint.clone(),
            created_at: at,
        })
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_optional_and_bounded() {
        assert_eq!(request_id("  ").unwrap(), None);
        assert_eq!(request_id(" r-1 ").unwrap().as_deref(), Some("r-1"));
        assert!(
            request_id(&"x".repeat(129))
                .unwrap_err()
                .names("request_id")
        );
        let station = StationId::parse("main").unwrap();
        let a = Idempotent::of(&station, Some("r".into()), "department", &("h1", "onc")).unwrap();
        let b = Idempotent::of(&station, Some("r".into()), "department", &("h1", "icu")).unwrap();
        assert_ne!(
            a.fingerprint, b.fingerprint,
            "another payload, another hash"
        );
        assert!(Idempotent::of(&station, None, "department", &()).is_none());
    }
}
