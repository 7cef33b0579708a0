//! The thin tonic adapter of the patient-rights service.

use tonic::{Request, Response, Status};
use yishe_proto::convert::{assessment, privacy as convert, referral, to_timestamp};
use yishe_proto::privacy::patient_rights_service_server::PatientRightsService as Rpc;
use yishe_proto::privacy::*;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::privacy::PatientRights;

/// The gRPC face of the patient-rights service.
#[derive(Debug, Clone)]
pub(crate) struct PatientRightsGrpc {
    service: PatientRights,
}

impl PatientRightsGrpc {
    pub(crate) fn new(service: PatientRights) -> Self {
        Self { service }
    }
}

#[tonic::async_trait]
impl Rpc for PatientRightsGrpc {
    async fn export_patient_data(
        &self,
        request: Request<ExportPatientDataRequest>,
    ) -> Result<Response<ExportPatientDataResponse>, Status> {
        let ctx = context(&request)?;
        let now = ctx.now();
        let patient = convert::export_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let data = run(async move { service.export(&ctx, patient).await }).await?;
        Ok(Response::new(ExportPatientDataResponse {
            referrals: data
                .referrals
                .iter()
                .map(referral::referral_to_proto)
                .collect(),
            assessments: data
                .assessments
                .iter()
                .map(assessment::assessment_to_proto)
                .collect(),
            risk_flags: data
                .risk_flags
                .iter()
                .map(assessment::risk_flag_to_proto)
                .collect(),
            export_time: Some(to_timestamp(now)),
        }))
    }

    async fn correct_patient_data(
        &self,
        request: Request<CorrectPatientDataRequest>,
    ) -> Result<Response<CorrectPatientDataResponse>, Status> {
        let ctx = context(&request)?;
        let correct = convert::correct_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let corrected = run(async move { service.correct(&ctx, correct).await }).await?;
        Ok(Response::new(CorrectPatientDataResponse {
            referral: Some(referral::referral_to_proto(&corrected)),
        }))
    }

    async fn erase_patient_data(
        &self,
        request: Request<ErasePatientDataRequest>,
    ) -> Result<Response<ErasePatientDataResponse>, Status> {
        let ctx = context(&request)?;
        let patient = convert::erase_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let erased = run(async move { service.erase(&ctx, patient).await }).await?;
        Ok(Response::new(ErasePatientDataResponse {
            erased_referral_ids: erased.iter().map(ToString::to_string).collect(),
        }))
    }
}
