//! The tonic adapter: requests to domain drafts, use-cases run to completion, results
//! back on the wire.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use yishe_domain::assessment::Instrument as Domain;
use yishe_proto::assessment::assessment_service_server::AssessmentService as Rpc;
use yishe_proto::assessment::*;
use yishe_proto::convert::assessment as convert;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::error::{Record, Refusal};
use crate::forms::Forms;
use crate::service::AssessmentService;

/// The gRPC face of the assessment service.
#[derive(Debug, Clone)]
pub(crate) struct AssessmentGrpc {
    service: AssessmentService,
    forms: Arc<Forms>,
}

impl AssessmentGrpc {
    pub(crate) fn new(service: AssessmentService, forms: Arc<Forms>) -> Self {
        Self { service, forms }
    }
}

#[tonic::async_trait]
impl Rpc for AssessmentGrpc {
    async fn list_instruments(
        &self,
        request: Request<ListInstrumentsRequest>,
    ) -> Result<Response<ListInstrumentsResponse>, Status> {
        context(&request)?;
        let instruments = self.forms.all().map(convert::instrument_to_proto).collect();
        Ok(Response::new(ListInstrumentsResponse { instruments }))
    }

    async fn get_instrument(
        &self,
        request: Request<GetInstrumentRequest>,
    ) -> Result<Response<GetInstrumentResponse>, Status> {
        context(&request)?;
        let r = request.into_inner();
        let form = Domain::parse(&r.instrument_id)
            .and_then(|i| match r.version {
                0 => Some(self.forms.newest(i)),
                version => self.forms.get(i, version),
            })
            .ok_or_else(|| status::of(&Refusal::NotFound(Record::Instrument)))?;
        Ok(Response::new(GetInstrumentResponse {
            instrument: Some(convert::instrument_to_proto(form)),
        }))
    }

    async fn submit_assessment(
        &self,
        request: Request<SubmitAssessmentRequest>,
    ) -> Result<Response<SubmitAssessmentResponse>, Status> {
        let ctx = context(&request)?;
        let submit = convert::submit_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let work = async move { service.submit(&ctx, submit).await };
        let assessment = run(work).await?;
        Ok(Response::new(SubmitAssessmentResponse {
            assessment: Some(convert::assessment_to_proto(&assessment)),
        }))
    }

    async fn get_assessment(
        &self,
        request: Request<GetAssessmentRequest>,
    ) -> Result<Response<GetAssessmentResponse>, Status> {
        let ctx = context(&request)?;
        let get = convert::get_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let work = async move { service.get(&ctx, get).await };
        let assessment = run(work).await?;
        Ok(Response::new(GetAssessmentResponse {
            assessment: Some(convert::assessment_to_proto(&assessment)),
        }))
    }

    async fn list_assessments(
        &self,
        request: Request<ListAssessmentsRequest>,
    ) -> Result<Response<ListAssessmentsResponse>, Status> {
        let ctx = context(&request)?;
        let list = convert::list_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list(&ctx, list).await }).await?;
        Ok(Response::new(ListAssessmentsResponse {
            assessments: page
                .items
                .iter()
                .map(convert::assessment_to_proto)
                .collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn amend_assessment(
        &self,
        request: Request<AmendAssessmentRequest>,
    ) -> Result<Response<AmendAssessmentResponse>, Status> {
        let ctx = context(&request)?;
        let amend = convert::amend_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let work = async move { service.amend(&ctx, amend).await };
        let assessment = run(work).await?;
        Ok(Response::new(AmendAssessmentResponse {
            assessment: Some(convert::assessment_to_proto(&assessment)),
        }))
    }

    async fn compare_assessments(
        &self,
        request: Request<CompareAssessmentsRequest>,
    ) -> Result<Response<CompareAssessmentsResponse>, Status> {
        let ctx = context(&request)?;
        let referral =
            convert::compare_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let work = async move { service.compare(&ctx, referral).await };
        let comparisons = run(work).await?;
        Ok(Response::new(CompareAssessmentsResponse {
            comparisons: comparisons
                .iter()
                .map(convert::comparison_to_proto)
                .collect(),
        }))
    }

    async fn list_risk_flags(
        &self,
        request: Request<ListRiskFlagsRequest>,
    ) -> Result<Response<ListRiskFlagsResponse>, Status> {
        let ctx = context(&request)?;
        let list = convert::list_flags_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let page = run(async move { service.list_flags(&ctx, list).await }).await?;
        Ok(Response::new(ListRiskFlagsResponse {
            risk_flags: page.items.iter().map(convert::risk_flag_to_proto).collect(),
            next_page_token: page.next_page_token(),
        }))
    }

    async fn acknowledge_risk_flag(
        &self,
        request: Request<AcknowledgeRiskFlagRequest>,
    ) -> Result<Response<AcknowledgeRiskFlagResponse>, Status> {
        let ctx = context(&request)?;
        let acknowledge =
            convert::acknowledge_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let work = async move { service.acknowledge(&ctx, acknowledge).await };
        let flag = run(work).await?;
        Ok(Response::new(AcknowledgeRiskFlagResponse {
            risk_flag: Some(convert::risk_flag_to_proto(&flag)),
        }))
    }
}
