//! The tonic adapter: the request to a period, the report back on the wire with the
//! departments' names.

use tonic::{Request, Response, Status};
use yishe_proto::convert::report as convert;
use yishe_proto::report::report_service_server::ReportService as Rpc;
use yishe_proto::report::*;
use yishe_runtime::auth::context;
use yishe_runtime::status;
use yishe_runtime::use_case::run;

use crate::service::ReportService;

/// The gRPC face of the report service.
#[derive(Debug, Clone)]
pub(crate) struct ReportGrpc {
    service: ReportService,
}

impl ReportGrpc {
    pub(crate) fn new(service: ReportService) -> Self {
        Self { service }
    }
}

#[tonic::async_trait]
impl Rpc for ReportGrpc {
    async fn get_station_report(
        &self,
        request: Request<GetStationReportRequest>,
    ) -> Result<Response<GetStationReportResponse>, Status> {
        let ctx = context(&request)?;
        let parsed = convert::report_request(request.into_inner()).map_err(|v| status::of(&v))?;
        let service = self.service.clone();
        let (report, names) =
            run(async move { service.station_report(&ctx, parsed).await }).await?;
        Ok(Response::new(GetStationReportResponse {
            report: Some(convert::report_to_proto(&report, |d| {
                names.get(&d).cloned().unwrap_or_default()
            })),
        }))
    }
}
