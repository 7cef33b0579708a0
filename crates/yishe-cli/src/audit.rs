//! `yishe audit …`

use serde_json::{Value, json};
use tokio_stream::StreamExt;
use yishe_domain::audit::AuditCheckpoint;
use yishe_proto::audit::*;
use yishe_proto::convert::audit as convert;

use crate::args::{AuditCommand, Output};
use crate::client::Connection;
use crate::failure::Failure;
use crate::output::time;

fn record_json(r: &AuditRecord) -> Value {
    json!({
        "sequence": r.sequence,
        "id": r.id,
        "occur_time": time(&r.occur_time),
        "subject": r.subject,
        "role": r.role,
        "action": r.action,
        "resource_kind": r.resource_kind,
        "resource_id": r.resource_id,
        "resource_ids": r.resource_ids,
        "request_id": r.request_id,
        "outcome": r.outcome,
        "purpose": r.purpose,
        "previous_hash": r.previous_hash,
        "hash": r.hash,
    })
}

/// A record as a row of `audit list`: `about` names the one record it concerns, or
/// counts those a list call returned (their ids are in `-o json`).
fn listed_json(r: &AuditRecord) -> Value {
    let mut value = record_json(r);
    value["about"] = match (r.resource_id.is_empty(), r.resource_ids.len()) {
        (true, 1) => json!(format!("1 {}", r.resource_kind)),
        (true, shown) if shown > 1 => json!(format!("{shown} {}s", r.resource_kind)),
        _ => json!(r.resource_id),
    };
    value
}

pub(crate) async fn run(command: AuditCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.audit();
    match command {
        AuditCommand::List {
            kind,
            id,
            action,
            page_size,
            page_token,
        } => {
            let page = client
                .list_audit_records(ListAuditRecordsRequest {
                    page_size,
                    page_token,
                    resource_kind: kind,
                    resource_id: id,
                    action,
                })
                .await?
                .into_inner();
            let values: Vec<Value> = page.records.iter().map(listed_json).collect();
            let columns = [
                "sequence",
                "occur_time",
                "role",
                "action",
                "about",
                "outcome",
            ];
            crate::output::rows(
                c.output,
                values,
                &columns,
                Some(("next_page_token", page.next_page_token)),
            );
        }
        AuditCommand::Verify { checkpoint } => {
            let mut checkpoints = Vec::new();
            for path in &checkpoint {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Failure::local(format!("cannot read {}: {e}", path.display())))?;
                let found = AuditCheckpoint::find_in(&text);
                if found.is_empty() {
                    return Err(Failure::local(format!(
                        "{} holds no audit checkpoint line",
                        path.display()
                    )));
                }
                checkpoints.extend(found.iter().map(convert::checkpoint_to_proto));
            }
            let v = client
                .verify_audit_chain(VerifyAuditChainRequest { checkpoints })
                .await?
                .into_inner();
            match c.output {
                Output::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "intact": v.intact,
                        "verified_records": v.verified_records,
                        "unsealed_records": v.unsealed_records,
                        "first_broken_sequence": v.first_broken_sequence,
                        "first_broken_record_id": v.first_broken_record_id,
                        "problem": v.problem,
                        "head_hash": v.head_hash,
                        "verified_checkpoints": v.verified_checkpoints,
                        "checkpoint_public_key": v.checkpoint_public_key,
                    }))
                    .expect("json")
                ),
                _ if v.intact => println!(
                    "audit chain intact: {} records verified, {} not yet sealed, head {}; \
                     agrees with {} checkpoints (public key {})",
                    v.verified_records,
                    v.unsealed_records,
                    v.head_hash,
                    v.verified_checkpoints,
                    v.checkpoint_public_key
                ),
                _ => {}
            }
            if !v.intact {
                return Err(Failure::Found(format!(
                    "audit chain BROKEN at sequence {} (record {}): {}; {} records before it verified",
                    v.first_broken_sequence,
                    v.first_broken_record_id,
                    v.problem,
                    v.verified_records
                )));
            }
        }
        AuditCommand::Export { after, to } => {
            let mut records = client
                .export_audit_records(ExportAuditRecordsRequest {
                    after_sequence: after,
                    to_sequence: to,
                })
                .await?
                .into_inner();
            while let Some(item) = records.next().await {
                let item = item?;
                if let Some(record) = item.record {
                    println!("{}", record_json(&record));
                }
                // As the sealer published it, so an export verifies as a checkpoint file.
                if let Some(checkpoint) = item
                    .checkpoint
                    .as_ref()
                    .and_then(convert::checkpoint_from_proto)
                {
                    println!("{}", checkpoint.to_line());
                }
            }
        }
    }
    Ok(())
}
