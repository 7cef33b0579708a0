//! A signed checkpoint of the audit chain's head: published outside the database (the
//! server's standard output for the hospital's SIEM, a file on another volume), so
//! that whoever can edit the database and the data directory cannot also cut the end
//! off the chain unseen. Verification against a checkpoint notices a chain that ends
//! before it, or that holds another link where it points.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// What a published checkpoint line says of itself, so it can be found among log lines.
pub const CHECKPOINT_KIND: &str = "yishe.audit.checkpoint";

/// One checkpoint, as published (a JSON line) and as verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheckpoint {
    /// Always `CHECKPOINT_KIND`.
    pub kind: String,
    /// The chain's last sealed link when it was signed.
    pub sequence: u64,
    /// That link's hash (hex).
    pub head_hash: String,
    pub signed_at: DateTime<Utc>,
    /// The installation's Ed25519 public key (base64), which the verifier must know.
    pub public_key: String,
    /// The signature of `signed_message` (base64).
    pub signature: String,
}

impl AuditCheckpoint {
    /// The bytes a checkpoint's signature covers.
    pub fn signed_message(sequence: u64, head_hash: &str, signed_at: DateTime<Utc>) -> Vec<u8> {
        format!(
            "{CHECKPOINT_KIND}\n{sequence}\n{head_hash}\n{}",
            signed_at.to_rfc3339_opts(SecondsFormat::Micros, true)
        )
        .into_bytes()
    }

    /// The checkpoints in `text`: every line holding one as a JSON object, whatever a
    /// log shipper or syslog put before it; other lines are skipped.
    pub fn find_in(text: &str) -> Vec<AuditCheckpoint> {
        text.lines()
            .filter(|line| line.contains(CHECKPOINT_KIND))
            .filter_map(|line| {
                let start = line.find('{')?;
                let end = line.rfind('}')?;
                serde_json::from_str::<AuditCheckpoint>(line.get(start..=end)?).ok()
            })
            .filter(|c| c.kind == CHECKPOINT_KIND)
            .collect()
    }

    /// The line published for this checkpoint.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_found_among_other_lines() {
        let checkpoint = AuditCheckpoint {
            kind: CHECKPOINT_KIND.into(),
            sequence: 42,
            head_hash: "ab".repeat(32),
            signed_at: DateTime::from_timestamp(1_700_000_000, 5_000).unwrap(),
            public_key: "pk".into(),
            signature: "sig".into(),
        };
        let text = format!(
            "2026-12-06T10:00:00Z INFO yishe is serving\n\
             Dec  6 10:00:01 host yishe[7]: {}\n\
             {{\"kind\":\"something else\"}}\n\
             {{\"kind\":\"{CHECKPOINT_KIND}\", broken\n",
            checkpoint.to_line()
        );
        assert_eq!(AuditCheckpoint::find_in(&text), vec![checkpoint.clone()]);
        let message =
            AuditCheckpoint::signed_message(42, &checkpoint.head_hash, checkpoint.signed_at);
        assert!(
            String::from_utf8(message)
                .unwrap()
                .ends_with("2023-11-14T22:13:20.000005Z")
        );
    }
}
