//! `yishe encryption …`

use serde_json::json;
use yishe_proto::security::*;

use crate::args::{EncryptionCommand, Output};
use crate::client::Connection;
use crate::failure::Failure;

pub(crate) async fn run(command: EncryptionCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.encryption();
    match command {
        EncryptionCommand::RotateKey => {
            let r = client
                .rotate_encryption_key(RotateEncryptionKeyRequest {})
                .await?
                .into_inner();
            match c.output {
                Output::Json => println!(
                    "{}",
                    json!({ "key_id": r.key_id, "algorithm": r.algorithm, "records_to_reencrypt": r.records_to_reencrypt })
                ),
                Output::Id => println!("{}", r.key_id),
                Output::Table | Output::Csv => println!(
                    "new key {} ({}) is current; re-encrypting {} records in the background (see `yishe encryption status`)",
                    r.key_id, r.algorithm, r.records_to_reencrypt
                ),
            }
        }
        EncryptionCommand::Status => {
            let s = client
                .get_encryption_status(GetEncryptionStatusRequest {})
                .await?
                .into_inner();
            let keys: Vec<_> = s
                .keys
                .iter()
                .map(|k| json!({ "key_id": if k.key_id.is_empty() { "(none)" } else { k.key_id.as_str() }, "algorithm": k.algorithm, "records": k.records }))
                .collect();
            match c.output {
                Output::Json => println!(
                    "{}",
                    json!({ "current_key_id": s.current_key_id, "current_algorithm": s.current_algorithm, "keys": keys })
                ),
                _ => {
                    println!(
                        "current key: {} ({})",
                        s.current_key_id, s.current_algorithm
                    );
                    for k in &s.keys {
                        let marker = if k.key_id == s.current_key_id {
                            " (current)"
                        } else {
                            ""
                        };
                        if k.key_id.is_empty() {
                            println!("  (none): {} records", k.records);
                        } else {
                            println!(
                                "  {} ({}){}: {} records",
                                k.key_id, k.algorithm, marker, k.records
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
