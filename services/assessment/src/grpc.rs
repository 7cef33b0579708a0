//! The tonic adapter: requests to domain drafts, use-cases run to completion, results
//! back on the wire.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use yishe_domain::assessment::{Definition, Instrument as Domain};
use yishe_proto::assessment::assessment_service_server::AssessmentService as Rpc;
use yishe_proto::assessment::*;
use yishe_proto::convert::{
    assessment_draft, assessment_to_proto, comparison_to_proto, risk_flag_to_proto,
};
use yishe_runtime::auth::context;
use yishe_runtime::use_case::run;

use crate::forms::Forms;
use crate::service::AssessmentService;

/// The gRPC face of the assessment service.
#[derive(Debug, Clone)]
pub struct AssessmentGrpc {
    service: AssessmentService,
    forms: Arc<Forms>,
}

impl AssessmentGrpc {
    pub fn new(service: AssessmentService, forms: Arc<Forms>) -> Self {
        Self { service, forms }
    }
}

fn to_wire(d: &Definition) -> Instrument {
    Instrument {
        instrument_id: d.instrument.id().to_owned(),
        version: d.version,
        title: d.title.clone(),
        sections: d
            .sections
            .iter()
            .map(|s| InstrumentSection {
                section_id: s.id.clone(),
                title: s.title.clone(),
                items: s
                    .items
                    .iter()
                    .map(|i| InstrumentItem {
                        item_id: i.id.clone(),
                        prompt: i.prompt.clone(),
                        options: i
                            .options
                            .iter()
                            .map(|o| AnswerOption {
                                value: o.value,
                                label: o.label.clone(),
                            })
                            .collect(),
                        shown_if: i
                            .shown_if
                            .clone()
                            .map(|(item_id, value)| SkipRule { item_id, value }),
                        optional: i.optional,
                    })
                    .collect(),
            })
            .collect(),
        wording_source: d.wording_source.clone(),
    }
}

#[tonic::async_trait]
impl Rpc for AssessmentGrpc {
    async fn list_instruments(
        &self,
        request: Request<ListInstrumentsRequest>,
    ) -> Result<Response<ListInstrumentsResponse>, Status> {
        context(&request)?;
        let instruments = self.forms.all().map(to_wire).collect();
        Ok(Response::new(ListInstrumentsResponse { instruments }))
    }

    async fn get_instrument(
        &self,
        request: Request<GetInstrumentRequest>,
    ) -> Result<Response<GetInstrumentResponse>, Status> {
        context(&request)?;
        let r = request.into_inner();
        let instrument = Domain::parse(&r.instrument_id)
            .filter(|i| r.version == 0 || r.version == i.version())
            .ok_or_else(|| Status::not_found("no such instrument, or no such version of it"))?;
        Ok(Response::new(GetInstrumentResponse {
            instrument: Some(to_wire(self.forms.get(instrument))),
        }))
    }

    async fn submit_assessment(
        &self,
        request: Request<SubmitAssessmentRequest>,
    ) -> Result<Response<SubmitAssessmentResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let draft = assessment_draft(r.responses, r.psychosocial, r.narrative, r.assess_time);
        let service = self.service.clone();
        let work = async move {
            service
                .submit(&ctx, &r.referral_id, &r.request_id, draft)
                .await
        };
        let assessment = run(work).await?;
        Ok(Response::new(SubmitAssessmentResponse {
            assessment: Some(assessment_to_proto(&assessment)),
        }))
    }

    async fn get_assessment(
        &self,
        request: Request<GetAssessmentRequest>,
    ) -> Result<Response<GetAssessmentResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let service = self.service.clone();
        let work = async move { service.get(&ctx, &r.assessment_id, r.version).await };
        let assessment = run(work).await?;
        Ok(Response::new(GetAssessmentResponse {
            assessment: Some(assessment_to_proto(&assessment)),
        }))
    }

    async fn list_assessments(
        &self,
        request: Request<ListAssessmentsRequest>,
    ) -> Result<Response<ListAssessmentsResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let service = self.service.clone();
        let work = async move {
            service
                .list(&ctx, &r.referral_id, r.page_size, &r.page_token)
                .await
        };
        let page = run(work).await?;
        Ok(Response::new(ListAssessmentsResponse {
            assessments: page.items.iter().map(assessment_to_proto).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn amend_assessment(
        &self,
        request: Request<AmendAssessmentRequest>,
    ) -> Result<Response<AmendAssessmentResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let draft = assessment_draft(r.responses, r.psychosocial, r.narrative, r.assess_time);
        let service = self.service.clone();
        let work = async move {
            service
                .amend(&ctx, &r.assessment_id, &r.etag, &r.reason, draft)
                .await
        };
        let assessment = run(work).await?;
        Ok(Response::new(AmendAssessmentResponse {
            assessment: Some(assessment_to_proto(&assessment)),
        }))
    }

    async fn compare_assessments(
        &self,
        request: Request<CompareAssessmentsRequest>,
    ) -> Result<Response<CompareAssessmentsResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let service = self.service.clone();
        let work = async move { service.compare(&ctx, &r.referral_id).await };
        let comparisons = run(work).await?;
        Ok(Response::new(CompareAssessmentsResponse {
            comparisons: comparisons.iter().map(comparison_to_proto).collect(),
        }))
    }

    async fn list_risk_flags(
        &self,
        request: Request<ListRiskFlagsRequest>,
    ) -> Result<Response<ListRiskFlagsResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let service = self.service.clone();
        let work = async move {
            service
                .list_flags(
                    &ctx,
                    &r.referral_id,
                    r.open_only,
                    r.page_size,
                    &r.page_token,
                )
                .await
        };
        let page = run(work).await?;
        Ok(Response::new(ListRiskFlagsResponse {
            risk_flags: page.items.iter().map(risk_flag_to_proto).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn acknowledge_risk_flag(
        &self,
        request: Request<AcknowledgeRiskFlagRequest>,
    ) -> Result<Response<AcknowledgeRiskFlagResponse>, Status> {
        let ctx = context(&request)?;
        let r = request.into_inner();
        let service = self.service.clone();
        let work = async move {
            service
                .acknowledge(&ctx, &r.risk_flag_id, &r.etag, &r.note)
                .await
        };
        let flag = run(work).await?;
        Ok(Response::new(AcknowledgeRiskFlagResponse {
            risk_flag: Some(risk_flag_to_proto(&flag)),
        }))
    }
}
