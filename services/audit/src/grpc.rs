//! The thin tonic adapter of the audit service.

use std::pin::Pin;

use crate::service::AuditService;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use yishe_proto::audit::audit_service_server::AuditService as Rpc;
use yishe_proto::audit::*;
use yishe_proto::convert::audit as convert;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

/// The gRPC face of the audit service.
#[derive(Debug, Clone)]
pub(crate) struct AuditGrpc {
    service: AuditService,
}

impl AuditGrpc {
    pub(crate) fn new(service: AuditService) -> Self {
        Self { service }
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
        let list = convert::list_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list(&ctx, list).await }).await?;
        Ok(Response::new(ListAuditRecordsResponse {
            records: page.items.iter().map(convert::record_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn verify_audit_chain(
        &self,
        request: Request<VerifyAuditChainRequest>,
    ) -> Result<Response<VerifyAuditChainResponse>, Status> {
        let ctx = context(&request)?;
        let checkpoints =
            convert::verify_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let (v, public_key) = run(async move { service.verify(&ctx, checkpoints).await }).await?;
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
            verified_checkpoints: v.checkpoints,
            checkpoint_public_key: public_key,
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
        // The task outlives the call's locale scope.
        let locale = yishe_runtime::locale::Locale::current();
        tokio::spawn(async move {
            let mut cursor = after_sequence;
            loop {
                let (links, checkpoints) = match service.links_after(cursor).await {
                    Ok(found) => found,
                    Err(error) => {
                        let _ = sender.send(Err(status::in_locale(locale, &error))).await;
                        return;
                    }
                };
                if links.is_empty() {
                    return;
                }
                let mut checkpoints = checkpoints.into_iter().peekable();
                for link in links {
                    if to_sequence != 0 && link.sequence > to_sequence {
                        return;
                    }
                    cursor = link.sequence;
                    let mut messages = vec![ExportAuditRecordsResponse {
                        record: Some(convert::link_to_proto(link)),
                        checkpoint: None,
                    }];
                    while let Some(c) = checkpoints.next_if(|c| c.sequence <= cursor) {
                        messages.push(ExportAuditRecordsResponse {
                            record: None,
                            checkpoint: Some(convert::checkpoint_to_proto(&c)),
                        });
                    }
                    for message in messages {
                        if sender.send(Ok(message)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}
