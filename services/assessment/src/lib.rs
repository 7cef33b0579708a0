//! The assessment service (预估): the validated instruments as forms a client renders
//! (with the station's licensed wording), assessments scored on the server and kept in
//! versions, the comparison over time, and the risk flags that escalate a referral at
//! once and stay open until a supervisor acknowledges them.

mod error;
mod escalation;
mod forms;
mod grpc;
mod risk_flags;
mod service;

use std::sync::Arc;

use yishe_domain::assessment::Cutoffs;
use yishe_proto::assessment::assessment_service_server::AssessmentServiceServer;
use yishe_runtime::Metrics;
use yishe_runtime::config::AssessmentConfig;
use yishe_store::Store;

pub use error::Error;
pub use forms::Forms;
pub use grpc::AssessmentGrpc;
pub use service::AssessmentService;

/// The full name of the gRPC service, for health checks.
pub const SERVICE_NAME: &str = "yishe.assessment.v1.AssessmentService";

/// What the assessment service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    pub config: AssessmentConfig,
}

/// Loads the forms (with the station's wording) and returns the gRPC server; an
/// unreadable or ill-fitting wording file is a configuration error.
pub fn start(options: Options) -> Result<AssessmentServiceServer<AssessmentGrpc>, String> {
    let forms = Forms::load(&options.config.wording_dir)?;
    let cutoffs = Cutoffs {
        distress_threshold: options.config.distress_threshold,
        ..Cutoffs::default()
    };
    let service = AssessmentService::new(options.store, options.metrics, cutoffs);
    Ok(AssessmentServiceServer::new(AssessmentGrpc::new(
        service,
        Arc::new(forms),
    )))
}
