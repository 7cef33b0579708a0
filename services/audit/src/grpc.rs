//! The thin tonic adapter of the audit service.

use std::pin::Pin;

use crate::service::AuditService;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use yishe_proto::audit::audit_service_server::AuditService as Rpc;
use yishe_proto::audit::*;
use yishe_proto::convert::to_timestamp;
use yishe_runtime::auth::context;
use yishe_runtime::use_case::run;
use yishe_store::{AuditEntry, ChainLink};

/// The gRPC face of the audit service.
#[derive(Debug, Clone)]
pub struct AuditGrpc {
    service: AuditService,
}

impl AuditGrpc {
    pub fn new(service: AuditService) -> Self {
        Self { service }
    }
}

fn record(entry: &AuditEntry, link: Option<(u64, String, String)>) -> AuditRecord {
    let (sequence, previous_hash, hash) = link.unwrap_or_default();
    AuditRecord {
        id: entry.id.to_string(),
        occur_time: Some(to_timestamp(entry.occurred_at)),
        subject: entry.subject.clone(),
        role: entry.role.clone(),
        action: entry.action.clone(),
        resource_kind: entry.resource_kind.clone(),
        resource_id: entry.resource_id.clone(),
        request_id: entry.request_id.clone(),
        outcome: entry.outcome.clone(),
        purpose: entry.purpose.clone(),
        sequence,
        previous_hash,
        hash,
    }
}

/// A chain link on the wire; a link whose row is gone keeps only its id and hashes.
fn linked(link: ChainLink) -> AuditRecord {
    match link.entry {
        Some(entry) => record(&entry, Some((link.sequence, link.previous_hash, link.hash))),
        None => AuditRecord {
            id: link.audit_id.to_string(),
            sequence: link.sequence,
            previous_hash: link.previous_hash,
            hash: link.hash,
            ..Default::default()
        },
    }
}

type ExportStream = Pin<Box<dyn Stream<Item = Result<ExportAuditRecordsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Rpc for AuditGrpc {
    async fn list_audit_records(
        &self,
        request: Request<ListAuditRecordsRequest>,
    ) -> Result<Response<ListAuditRecordsResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let service = self.service.clone();
        let page = run(async move {
            service
                .list(
                    &ctx,
                    &r.resource_kind,
                    &r.resource_id,
                    &r.action,
                    r.page_size,
                    &r.page_token,
                )
                .await
        })
        .await?;
        Ok(Response::new(ListAuditRecordsResponse {
            records: page
                .records
                .into_iter()
                .map(|r| record(&r.entry, r.link))
                .collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn verify_audit_chain(
        &self,
        request: Request<VerifyAuditChainRequest>,
    ) -> Result<Response<VerifyAuditChainResponse>, Status> {
        let ctx = context(&request)?;
        let service = self.service.clone();
        let v = run(async move { service.verify(&ctx).await }).await?;
        let (first_broken_sequence, first_broken_record_id, problem) =
            v.broken.clone().unwrap_or_default();
        Ok(Response::new(VerifyAuditChainResponse {
            intact: v.broken.is_none(),
            verified_records: v.verified,
            unsealed_records: v.unsealed,
            first_broken_sequence,
            first_broken_record_id,
            problem,
            head_hash: v.head_hash,
        }))
    }

    type ExportAuditRecordsStream = ExportStream;

    async fn export_audit_records(
        &self,
        request: Request<ExportAuditRecordsRequest>,
    ) -> Result<Response<Self::ExportAuditRecordsStream>, Status> {
        let ctx = context(&request)?;
        let ExportAuditRecordsRequest {
            after_sequence,
            to_sequence,
        } = request.into_inner();
        let service = self.service.clone();
        run(async move {
            service
                .begin_export(&ctx, after_sequence, to_sequence)
                .await
        })
        .await?;
        let (sender, receiver) = tokio::sync::mpsc::channel(64);
        let service = self.service.clone();
        tokio::spawn(async move {
            let mut cursor = after_sequence;
            loop {
                let links = match service.links_after(cursor).await {
                    Ok(links) => links,
                    Err(error) => {
                        let _ = sender.send(Err(yishe_runtime::status::of(&error))).await;
                        return;
                    }
                };
                if links.is_empty() {
                    return;
                }
                for link in links {
                    if to_sequence != 0 && link.sequence > to_sequence {
                        return;
                    }
                    cursor = link.sequence;
                    let message = ExportAuditRecordsResponse {
                        record: Some(linked(link)),
                    };
                    if sender.send(Ok(message)).await.is_err() {
                        return;
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}
